# The user's own account: the home page, the sign-in security page and the recovery-codes pages.

# Roles as every page names them (`Role::label_in`; methods are `Method::label_in`, in mfa.ftl).
account-role-policyholder = Policyholder
account-role-adjuster = Adjuster
account-role-support = Support agent
account-role-admin = Administrator
account-create-my-recovery-codes = Create my recovery codes

# The home page (/), once signed in.
home-title = Your account
home-welcome = Welcome, { $name }
home-signed-in-as-html = You are signed in as <strong>{ $email }</strong> ({ $role }).
home-your-claims = Your claims
home-security-heading = Sign-in security
home-no-method = You have no verification method yet. Add one so that a password alone is never enough to enter your account.
home-asks-for-code = After your password, the portal asks for a code from:
home-sms-to = to { $phone }
home-passkeys = { $count ->
        [one] 1 passkey
       *[other] { $count } passkeys
    }
home-remove = Remove
home-method-removed = The method was removed.
home-recovery-heading = Save recovery codes
home-recovery-offer = If you lose your phone, a recovery code lets you sign in instead of a verification code. Create a set of 10 now and keep them somewhere safe.
home-add-sms = Add text message (SMS)
home-add-app = Add authenticator app
home-security-link = Sign-in security: devices, sessions, recovery codes

# The sign-in security page (/account/security).
security-title = Sign-in security
security-step-up-hint = To change anything on this page you will be asked for a verification code first.
security-methods-heading = Verification methods
security-no-method = You have no verification method yet.
security-add-sms = Add Text message (SMS)
security-add-totp = Add Authenticator app
security-remove-sms = Remove Text message (SMS)
security-remove-totp = Remove Authenticator app
security-remove-passkey-method = Remove Passkey
security-passkeys-heading = Passkeys
security-no-passkey = No passkey yet. A passkey signs you in with this device's screen lock, fingerprint or face — with or without your password.
security-passkey-dates = added { $added }, last used { $used }
security-never = never
security-passkey-new-name = New name for { $name }
security-rename = Rename
security-remove-passkey = Remove { $name }
security-add-passkey = Add a passkey
security-recovery-heading = Recovery codes
security-recovery-intro = If you cannot get a code (a lost phone, say), one of your recovery codes lets you in once.
security-recovery-left-html = { $count ->
        [one] You have <strong>1</strong> unused code.
       *[other] You have <strong>{ $count }</strong> unused codes.
    }
security-create-codes = Create recovery codes
security-replace-codes = Create new codes (the old ones stop working)
security-devices-heading = Remembered devices
security-no-devices = No device skips the verification code.
security-devices-intro = These devices are not asked for a code at sign-in (only for your password) until the date shown.
security-col-device = Device
security-col-remembered = Remembered
security-col-last-used = Last used
security-col-until = Until
security-col-action = Action
security-col-address = Address
security-col-signed-in = Signed in
security-col-last-seen = Last seen
security-col-when = When
security-col-step = Step
security-col-result = Result
security-forget = Forget
security-forget-all = Forget all devices
security-sessions-heading = Where you are signed in
security-sessions-label = Open sessions
security-this-device = (this device)
security-end-session = Sign out
security-end-others = Sign out everywhere else
security-events-heading = Recent sign-in activity
security-no-events = Nothing yet.
security-unrecognised = Something you do not recognise? Change your password ("Forgot your password?" on the sign-in page) and contact support.
security-unknown-device = Unknown device
# After a change (?done=…).
security-done-forgotten = Done: those devices will be asked for a code at their next sign-in.
security-done-ended = Done: those devices were signed out.
security-done-renamed = The passkey was renamed.
security-done-removed = The passkey was removed: it no longer signs in.
security-done-recovery = You signed in with a recovery code. Add a new verification method if you lost your phone.
# Titles of the error page when a change is refused.
security-not-possible = Not possible
security-form-not-understood = Form not understood
security-name-not-changed = Name not changed
# The "Recent sign-in activity" table: each step, the method of a code, and how it ended.
security-event-password = Password
security-event-remembered-device = Remembered device (no code asked)
security-event-passkey-sign-in = Passkey, without a password
security-event-passkey-added = Passkey added
security-event-passkey-cloned = Refused: a passkey's counter went back (a copied passkey?)
security-event-setup-expired = Refused: setup deadline passed
security-event-code = Code ({ $method })
security-event-totp-set-up = Authenticator app set up
security-event-sms-set-up = Text messages set up
security-event-throttled = Refused: too many wrong codes
security-event-signed-out = Signed out
security-event-method-totp = authenticator app
security-event-method-sms = text message
security-event-method-recovery = recovery code
security-event-method-passkey = passkey
security-outcome-succeeded = Succeeded
security-outcome-failed = Failed
security-outcome-refused = Refused

# The recovery-codes pages (/account/recovery-codes) and the downloaded file.
recovery-codes-title = Recovery codes
recovery-codes-intro = If you ever cannot get a code — your phone is lost, broken or out of reach — a recovery code lets you sign in instead. You get 10; each works once. Print them or write them down, and keep them apart from your phone.
recovery-codes-left = { $count ->
        [one] You have 1 unused code. New codes replace it: the old one stops working.
       *[other] You have { $count } unused codes. New codes replace them: the old ones stop working.
    }
recovery-codes-create-new = Create new recovery codes
recovery-codes-back = Back to sign-in security
recovery-codes-save-now = Save these codes now: this is the only time they are shown.
recovery-codes-list-label = Your recovery codes
recovery-codes-typing-hint = Type a code with or without the dash; each one works once.
recovery-codes-download = Download as a text file
recovery-codes-saved = I have saved them
recovery-codes-none-to-download = No codes to download.
recovery-codes-file-title = { $portal } recovery codes
recovery-codes-file-each-once = Each code works once, in place of a verification code, if you cannot get one.
recovery-codes-file-keep-safe = Keep them somewhere safe, apart from your phone.
