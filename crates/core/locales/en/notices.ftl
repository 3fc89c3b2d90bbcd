# The emails that tell a user their sign-in changed (core's notice.rs): the greeting, then the
# message, then (for most) the "if this was not you" line. They never carry a code or a link.

notice-not-you = If this was not you, contact support at { $support } right away.

# How a method is named inside a sentence.
notice-method-totp = an authenticator app
notice-method-sms-to = text messages to { $phone }
notice-method-sms = text messages
notice-method-passkey = a passkey

# Subjects (the portal's name follows after a dash).
notice-method-added-subject = A verification method was added
notice-method-removed-subject = A verification method was removed
notice-deadline-extended-subject = More time to set up sign-in verification
notice-mfa-reset-subject = Your sign-in verification was reset
notice-unlocked-subject = Sign-in verification unlocked
notice-sessions-ended-subject = You were signed out everywhere
notice-password-reset-subject = Your password was changed
notice-locked-subject = Sign-in locked after too many wrong codes
notice-recovery-code-used-subject = A recovery code was used to sign in
notice-recovery-codes-created-subject = New recovery codes were created
notice-device-remembered-subject = A device will not be asked for a code
notice-devices-forgotten-subject = Remembered devices were forgotten
notice-sessions-ended-by-you-subject = Devices were signed out of your account
notice-passkey-added-subject = A passkey was added
notice-passkey-removed-subject = A passkey was removed
notice-passkey-renamed-subject = A passkey was renamed

# The messages. $deadline is a date; $zone the portal's time zone (e.g. America/New_York).
notice-method-added = Your { $portal } account now accepts codes from { $method } at sign-in.
notice-method-removed = Your { $portal } account no longer accepts codes from { $method } at sign-in.
notice-deadline-extended =
    Support gave you until { $deadline } ({ $zone } time) to set up a verification method (text message or authenticator app) for your { $portal } account. Sign in and follow the steps before then.

    If you did not ask for this, contact support at { $support }.
notice-mfa-reset =
    Support removed the verification methods (text message, authenticator app) of your { $portal } account and signed you out everywhere. At your next sign-in you will be asked to set one up again; please do so by { $deadline } ({ $zone } time).

    If you did not ask for this, contact support at { $support } right away.
notice-unlocked =
    Support unlocked sign-in verification for your { $portal } account: the count of wrong codes is cleared and you can sign in with your verification method again.

    If you did not ask for this, contact support at { $support } right away.
notice-sessions-ended =
    Support signed your { $portal } account out on every device. Sign in again to continue.

    If you did not ask for this, contact support at { $support } right away.
notice-password-reset = The password of your { $portal } account was changed with a reset link, and every device signed in to the account was signed out. Your verification methods did not change.
notice-locked =
    Sign-in to your { $portal } account is locked: the verification code was typed wrong too many times in a row. Someone who knows your password may be trying to sign in.

    Contact support at { $support } to unlock it, and choose a new password ("Forgot your password?" on the sign-in page).
notice-recovery-code-used =
    A recovery code was used to sign in to your { $portal } account. Each code works once. { $left ->
        [0] You have no recovery codes left: create a new set on your security page now.
        [one] You have 1 recovery code left.
       *[other] You have { $left } recovery codes left.
    }

    If you lost your phone, add a new verification method on your security page.
notice-recovery-codes-created = A new set of recovery codes was created for your { $portal } account. The codes you had before no longer work.
notice-device-remembered = A device (browser) signed in to your { $portal } account and will not be asked for a verification code for { $days ->
        [one] 1 day
       *[other] { $days } days
    }. You can make the portal forget it on your security page.
notice-devices-forgotten = Your { $portal } account forgot { $count } remembered device(s): they will be asked for a verification code at the next sign-in.
notice-sessions-ended-by-you = { $count } device(s) signed in to your { $portal } account were signed out from your security page.
notice-passkey-added = A passkey named "{ $name }" was added to your { $portal } account. It signs you in on its own device, with its screen lock or fingerprint.
notice-passkey-removed = The passkey named "{ $name }" no longer signs in to your { $portal } account.
notice-passkey-renamed = A passkey of your { $portal } account is now named "{ $name }".
