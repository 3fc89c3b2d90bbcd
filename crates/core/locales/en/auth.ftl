# Signing in: the sign-in, forgot-password and reset-password pages, their errors, the reset
# email, and the help page.

# Mistakes in what a person typed (core's EmailError, PasswordError, DisplayNameError), shown
# next to the field.
email-error-empty = Enter an email address
email-error-too-long = An email address has at most { $max } characters
email-error-malformed = Enter an email address like name@example.com
password-error-too-short = A password needs at least { $min } characters
password-error-too-long = A password has at most { $max } characters
password-error-common = This password is on a list of common or breached passwords; choose another
password-error-context-words = A password must not be made of your email address, your name or the portal's name
name-error-empty = Enter a name
name-error-too-long = A name has at most 100 characters
name-error-control-characters = A name cannot contain control characters

# Why signing in or a reset did not work (core's LoginError, ResetError).
login-error-invalid = The email or password is not right. Check them and try again.
login-error-throttled = Too many sign-in attempts. Please wait { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } and try again.
login-error-setup-expired = The deadline to set up a verification method has passed.
reset-error-invalid-link = This password reset link is invalid, was already used, or has expired. Ask for a new one from the sign-in page.
auth-error-internal = Something went wrong on our side. Please try again in a moment.

# Shared by the sign-in, forgot-password and reset pages.
auth-email-label = Email address
auth-back-to-sign-in = Back to sign in
auth-page-expired-retry = This page had expired. Please try again.

# The sign-in page (/login).
login-title = Sign in
login-lede = Sign in to build and send the inventory for your claim.
login-password-label = Password
login-submit = Sign in
login-with-passkey = Sign in with a passkey
login-forgot-link = Forgot your password?
login-enter-password = Enter your password
login-page-expired = This page had expired. Please sign in again.
login-signed-out = You have signed out.
login-password-changed = Your password was changed. Sign in with your new password.
login-session-ended = Your session ended. Please sign in again.

# The forgot-password page (/forgot-password).
forgot-title = Forgot password
forgot-heading = Forgot your password?
forgot-lede = Enter the email address of your account and we will send you a link to choose a new password.
forgot-submit = Send reset link
forgot-sent-heading = Check your email
forgot-sent = If an account exists for that address, we have sent it a link to choose a new password. The link works once, for 30 minutes.
forgot-nothing-arrived-html = Nothing arrived? Check your spam folder, or <a href="/forgot-password">ask again</a>.
forgot-too-many-minutes = Too many reset requests; try again in { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }.
forgot-too-many-hours = Too many reset requests; try again in { $hours ->
        [one] an hour
       *[other] { $hours } hours
    }.

# The reset-password page (/reset-password, from the emailed link).
reset-title = Choose a new password
reset-lede = Use at least 12 characters. A few unrelated words make a strong password that is easy to type. Common or breached passwords, and passwords made of your email address or name, are refused.
reset-password-label = New password
reset-confirm-label = Type it again
reset-submit = Save new password
reset-mismatch = The two passwords are not the same
reset-link-unusable = This link cannot be used

# The email with the reset link. $link is alone on its line.
reset-email-subject = Reset your { $portal } password
reset-email-body =
    Hello { $name },

    Someone (hopefully you) asked to reset the password of your { $portal } account.
    Open this link within 30 minutes to choose a new password:

    { $link }

    The link works once. If you did not ask for this, ignore this email: your password stays as it is.
    Your verification methods (text message, authenticator app) are not changed by a reset.

# The help page (/help): the guide's help with signing in. Words in <strong> are the buttons and
# choices the pages show.
help-title = Help with signing in
help-lede = { $portal } protects your claim with two steps: your password, then a 6-digit code from your phone or computer (multi-factor authentication, MFA). Someone who learns your password still cannot get in without the code.
help-grace = Once MFA is switched on, the first time you sign in you are asked to add a verification method. You have { $days ->
        [one] 1 day
       *[other] { $days } days
    } to do it; after that you will need support's help to sign in. Nothing here opens a pop-up window, so there is nothing to allow in your browser.
help-sms-heading = Text message (SMS)
help-sms-step-choose-html = Choose <strong>Text message (SMS)</strong>.
help-sms-step-number-html = Select your country and enter your phone number with its area code, then choose <strong>Send verification code</strong>.
help-sms-step-code-html = Type the 6-digit code from the text and choose <strong>Verify code</strong>. Codes work for 10 minutes; <strong>Resend</strong> sends a new one.
help-sms-phones-html = Any phone that receives texts works: work or personal. A desk phone cannot receive texts: choose <strong>Call me instead</strong>, and we call the number and read the code out twice, slowly (a number that is plainly a landline is called even when you ask for a text). Texts and calls can go to: { $countries }.
help-app-heading = Authenticator app on your phone
help-app-recommended = We recommend an authenticator app if you do not have access to text messages.
help-app-step-install = Install an app that supports TOTP (time-based one-time passwords) from your app store, for example Microsoft Authenticator or Google Authenticator.
help-app-step-scan-html = Choose <strong>Authenticator app</strong> in the portal. In the app, choose add (usually a <strong>+</strong>) and scan the QR code.
help-app-step-code-html = Type the 6-digit code the app shows and choose <strong>Continue</strong>.
help-desktop-heading = Authenticator app on your computer
help-desktop-step-install = Without a mobile device, install a desktop app that supports TOTP, such as Authy, and set up its account.
help-desktop-step-add-html = In the app, add an account. In the portal, choose <strong>Still having trouble?</strong> below the QR code.
help-desktop-step-secret-html = Copy the secret the portal shows (for example <code>deuk 3yiq suz3 p3cr …</code>) and paste it where the app asks for the code given by the website. Name the account with your email.
help-desktop-step-code-html = Copy the 6-digit code the app shows, paste or type it in the portal and choose <strong>Continue</strong>.
help-returning-heading = Signing in after setup
help-returning-choose-html = After your password, choose <strong>TEXT</strong> or <strong>Authenticator app</strong> (the one you used last is already selected).
help-returning-text-html = Text: choose <strong>Send verification code</strong>, then enter the code from the text and choose <strong>Verify code</strong>.
help-returning-app-html = Authenticator app: open the app, enter the code it shows for { $portal } and choose <strong>Verify code</strong>.
help-returning-once = Each code works once. Too many wrong codes pause sign-in for a short while; wait and try again.
help-support-heading = Stuck? Contact support
help-support-intro = If you have passed the setup deadline, lost your phone, or cannot complete the verification, support can give you more time or reset your verification methods.
help-support-email-html = Email <a href="mailto:{ $email }">{ $email }</a>
help-support-chat = Chat with support
