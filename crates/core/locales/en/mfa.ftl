# Multi-factor authentication: the setup and verify pages, the text message and the call with
# the code, and the errors of MFA.

# The methods by their names (setup pages, the security page, support's console).
mfa-method-label-sms = Text message (SMS)
mfa-method-label-totp = Authenticator app
mfa-method-label-passkey = Passkey

# Shared by several MFA pages: the code field, buttons, links.
mfa-code-label = 6-digit code
mfa-send-code = Send verification code
mfa-send-new-code = Send a new code
mfa-verify-code = Verify code
mfa-call-instead = Call me instead
mfa-call-with-code = Call me with a code
mfa-call-again = Call me again
mfa-resend = Resend
mfa-choose-another = Choose another method
mfa-page-not-possible = Not possible
mfa-page-went-wrong = Something went wrong
mfa-form-not-understood = Form not understood
mfa-choose-method-to-remove = Choose a method to remove.

# "Don't ask for a code on this device" on the verify page (the message is inserted as HTML).
mfa-remember-device-html = { $days ->
    [one] Don't ask for a code on this device for { $days } day
   *[other] Don't ask for a code on this device for { $days } days
}
mfa-remember-hint = Only on a device you alone use. Anyone who knows your password could sign in on it without a code.

# The hint under the code field.
mfa-code-hint-sms-setup = The code from the text message, for example 123456.
mfa-code-hint-app-setup = The 6-digit code your app shows for this account.
mfa-code-hint-call = The code the call read out.
mfa-code-hint-sms = The code from the text message.
mfa-code-hint-app = Open your authenticator app and type the code it shows for this portal.

# Notices after a code was sent or a call made.
mfa-notice-called-landline = This number looks like a landline, which cannot receive texts, so we called it and read the code out twice.
mfa-notice-called = We called the number and read the code out twice.
mfa-notice-sent-again = We sent a new code. Only the newest code works.
mfa-notice-sent = We sent a code. Enter it below; only the newest code works.

# The page that offers the methods (/mfa/setup).
mfa-choose-title = Add a verification method
mfa-choose-adding-lede = Add another way to verify it is you, so you can still sign in if one is not at hand.
mfa-choose-lede = To protect your account, the portal now asks for a second step after your password: a 6-digit code from your phone or computer.
mfa-choose-deadline-html = { $days ->
    [one] Please set this up by <strong>{ $deadline }</strong> — { $days } day left. After that date you will need to contact support to sign in.
   *[other] Please set this up by <strong>{ $deadline }</strong> — { $days } days left. After that date you will need to contact support to sign in.
}
mfa-choose-heading = Choose a method
mfa-choose-sms-detail = We text a code to your phone each time you sign in.
mfa-choose-app-detail = An app on your phone (Microsoft Authenticator, Google Authenticator) or computer (Authy) shows the code. Recommended if you cannot receive texts.
mfa-choose-passkey-detail = Your phone or computer unlocks with its screen lock, fingerprint or face — no code to type. Needs JavaScript.
mfa-choose-remind-later = Remind me later
mfa-choose-how = How does this work?

# Setting up an authenticator app (/mfa/setup/app).
mfa-app-title = Set up an authenticator app
mfa-app-step-open = Open an authenticator app: on your phone, Microsoft Authenticator, Google Authenticator or any app that supports TOTP; on a computer, a desktop app such as Authy.
mfa-app-step-scan-html = In the app, choose add (usually a <strong>+</strong>) and scan this QR code. On the phone that has the app, choose <strong>Open in your authenticator app</strong> instead.
mfa-app-step-code-html = Type the 6-digit code the app shows, then choose <strong>Continue</strong>.
mfa-app-qr-title = QR code to scan with your authenticator app
mfa-app-open-in-app = Open in your authenticator app
mfa-app-trouble = Still having trouble?
mfa-app-trouble-secret = If you cannot scan the code (for example with Authy on a computer), enter this secret in the app, where it asks for the code given by the website:
mfa-app-copy-secret = Copy secret
mfa-app-account-html = Account name to enter: <strong>{ $account }</strong> (issuer: { $issuer }). Use a time-based (TOTP) account with 6 digits.
mfa-app-continue = Continue
mfa-app-restart = Start again with a new code
mfa-app-not-started = A QR code for your app is made when you ask for one, and works for 15 minutes.
mfa-app-show-qr = Show the QR code
mfa-app-help = Help with authenticator apps

# Adding a passkey (/mfa/setup/passkey).
mfa-passkey-lede = A passkey lets this phone or computer prove it is you with its screen lock, fingerprint or face. It is kept by the device (or your phone's password manager) and works only on this portal.
mfa-passkey-needs-js = Passkeys need JavaScript, which is off in this browser.
mfa-passkey-choose-other = Choose text message or authenticator app instead
mfa-passkey-name-label = Name this passkey
mfa-passkey-name-hint = So you can tell your passkeys apart, like "Work laptop" or "My phone".
mfa-passkey-create = Create a passkey

# Setting up text messages (/mfa/setup/sms).
mfa-sms-title = Set up text messages
mfa-sms-lede = Select your country and enter your phone number with its area code. We will text it a 6-digit code.
mfa-sms-country = Country
mfa-sms-phone = Phone number
mfa-sms-phone-hint = With area code, for example 201 555 0123. A mobile gets a text; for a desk phone, choose "Call me instead".
mfa-sms-desk-phone-hint = A desk phone cannot receive texts: "Call me instead" calls the number and reads the code out twice.
mfa-sms-help = Help with text messages

# Confirming the number (/mfa/setup/sms/verify).
mfa-sms-verify-title = Enter the texted code
mfa-sms-verify-heading = Verify your phone number
mfa-sms-verify-lede-html = We texted a 6-digit code to <strong>{ $phone }</strong>. It works for 10 minutes.
mfa-sms-other-number = Use a different number
mfa-sms-resend-wait = { $seconds ->
    [one] No code? You can ask for a new one in { $seconds } second.
   *[other] No code? You can ask for a new one in { $seconds } seconds.
}

# A returning user's second step (/mfa/verify).
mfa-verify-title = Verify it is you
mfa-verify-choose = Choose how to get your code
mfa-verify-use-method = Use this method
mfa-verify-method-sms = TEXT
mfa-verify-method-sms-detail = a code to { $phone }
mfa-verify-method-totp-detail = the code in your app
mfa-verify-method-passkey-detail = your device's screen lock, fingerprint or face
mfa-verify-choose-method-error = Choose a method
mfa-recovery-label = Recovery code
mfa-recovery-hint = One of the 10 codes you saved when you set up verification, like 7k2mq-x9c4d. Each works once.
mfa-recovery-use = Use recovery code
mfa-verify-passkey-needs-js = Passkeys need JavaScript, which is off in this browser. Choose another method above, or use a recovery code.
mfa-verify-passkey-lede = Use the passkey saved on this device or your phone: your browser asks for its screen lock, fingerprint or face.
mfa-verify-passkey-use = Use your passkey
mfa-verify-landline = { $phone } looks like a landline, which cannot receive texts, so we call it and read the code out twice.
mfa-verify-texted-html = We texted a code to <strong class="nowrap">{ $phone }</strong>.
mfa-verify-will-text-html = We will text a code to <strong class="nowrap">{ $phone }</strong>.
mfa-verify-use-phone-code = Use a code from your phone instead
mfa-verify-lost-phone = Lost your phone? Use a recovery code
mfa-verify-trouble = Trouble getting a code?

# The text message with the code (the line that lets browsers fill the code in is added after it).
mfa-text-code = Your { $portal } verification code is { $code }. It expires in 10 minutes.
# The call that reads the code out: { $digits } is the code, digit by digit with pauses.
mfa-call-spoken = This is { $portal }. Your verification code is: { $digits }. Again: { $digits }. Goodbye.
# One digit of the code as the call's voice says it.
mfa-call-digit = { $digit }

# Where a user's setup deadline comes from (support's console).
mfa-deadline-source-none = none (staff set MFA up at first sign-in)
mfa-deadline-source-switch-on = switch-on date + grace days
mfa-deadline-source-account-created = account creation + grace days
mfa-deadline-source-support = set by support

# Errors of MFA, as sentences people read.
mfa-error-invalid-code = The code is not right
mfa-error-code-replayed = This code was already used; wait for the next one in your app
mfa-error-code-expired = This code has expired or was replaced by a newer one; send a new code
mfa-error-no-code-sent = Send a verification code first
mfa-error-no-pending-setup = Start the setup again: it expired after 15 minutes
mfa-error-throttled-seconds = { $seconds ->
    [one] Too many wrong codes. Please wait { $seconds } second and try again.
   *[other] Too many wrong codes. Please wait { $seconds } seconds and try again.
}
mfa-error-throttled-minutes = { $minutes ->
    [one] Too many wrong codes. Please wait { $minutes } minute and try again.
   *[other] Too many wrong codes. Please wait { $minutes } minutes and try again.
}
mfa-error-locked = Too many wrong codes: sign-in is locked for this account. Contact support to unlock it.
mfa-error-setup-expired = The deadline to set up a verification method has passed; contact support
mfa-error-sms-failed = We could not send a text message; try again, or use the authenticator app
mfa-error-step-up-required = Verify with your current method first
# { $method }: sms, totp or passkey, with -label when the method was named by its label; { $name } otherwise.
mfa-error-no-such-method = { $method ->
    [sms] This account has no text message method
    [sms-label] This account has no Text message (SMS) method
    [totp] This account has no authenticator app method
    [totp-label] This account has no Authenticator app method
    [passkey] This account has no passkey method
    [passkey-label] This account has no Passkey method
   *[other] This account has no { $name } method
}
mfa-error-wrong-step = This is not possible at this step of sign-in
mfa-error-last-method = This is your only verification method; add another before removing it
mfa-error-recovery-code-used = This recovery code was already used; use another one
mfa-error-no-method-yet = Set up a verification method first
mfa-error-passkey-not-found = Passkey not found
mfa-error-device-not-found = Remembered device not found
mfa-error-session-not-found = Session not found
mfa-error-not-found = { $thing } not found
mfa-error-passkeys-unavailable = Passkeys are not available on this portal
mfa-error-passkey-expired = The passkey request expired or was already used; start again
mfa-error-passkey-refused = The passkey was not accepted; try again or choose another way to verify
mfa-error-session-ended = This sign-in was ended (signed out elsewhere or by support); sign in again
mfa-error-busy = The portal is very busy right now. Please try again in a moment.
mfa-error-internal = Something went wrong on our side. Please try again in a moment.
mfa-error-send-cooldown = { $seconds ->
    [one] Wait { $seconds } second before asking for another code
   *[other] Wait { $seconds } seconds before asking for another code
}
mfa-error-too-many-texts-minutes = { $minutes ->
    [one] Too many codes were sent; try again in a minute or use the authenticator app
   *[other] Too many codes were sent; try again in { $minutes } minutes or use the authenticator app
}
mfa-error-too-many-texts-hours = { $hours ->
    [one] Too many codes were sent; try again in { $hours } hour or use the authenticator app
   *[other] Too many codes were sent; try again in { $hours } hours or use the authenticator app
}
mfa-error-code-empty = Enter the 6-digit code
mfa-error-code-malformed = A code is exactly 6 digits (0–9)
mfa-error-recovery-empty = Enter one of your recovery codes
mfa-error-recovery-malformed = A recovery code is 10 letters and digits, like 7k2mq-x9c4d
mfa-error-passkey-name-empty = Give the passkey a name, like "My phone"
mfa-error-passkey-name-too-long = A passkey name is at most 60 characters
mfa-error-passkey-name-control = A passkey name cannot contain control characters
