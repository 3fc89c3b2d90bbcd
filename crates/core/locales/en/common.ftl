# Words every page, email and message shares: the layout, the language picker, dates.

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
# "March 4, 2026"
long-date = { $month } { $day }, { $year }

# The first line of every notice email (OutgoingEmail::greeted).
email-greeting = Hello { $name },

layout-skip-link = Skip to main content
layout-support-console = Support console
layout-sign-out = Sign out
layout-help = Help with signing in
layout-support = Support:
language-picker-label = Language
language-picker-submit = Change language

error-go-to-portal = Go to the portal
language-unknown = Choose one of the languages offered: { $choices }.

# The page shown instead of signing in once the setup deadline has passed.
expired-title = Contact support to sign in
expired-deadline-html = The deadline to set up a verification method for your account was <strong>{ $deadline }</strong>. For your security, the portal cannot let you in until support has helped you.
expired-how-to-reach = How to reach support
expired-email = Email
expired-chat = Chat with support
expired-more-time = Support can give you more time, and then you can sign in and set up text messages or an authenticator app.
expired-back = Back to sign in

# Said by the page's script (copy buttons, file size check, passkeys). { "{mib}" } is filled in by the script.
script-copied = Copied.
script-copy-failed = Copy did not work here; select the text and copy it.
script-file-too-big = This file is larger than {"{"}mib{"}"} MiB; choose a smaller one.
script-passkey-failed = The passkey could not be used.
script-passkey-cancelled = The passkey was not used (cancelled or timed out). Try again, or choose another way.

# Error pages any page can end on.
error-something-wrong-title = Something went wrong
error-something-wrong = Something went wrong on our side. Please try again in a moment.
error-busy-title = Busy
error-busy = The portal is very busy right now. Please try again in a moment.
error-not-found-title = Page not found
error-not-found = There is no page at this address.
error-form-title = Form not understood
error-form-from-page = Please submit the form from the portal's page.
error-form-too-much-title = Too much data
error-form-too-much = The form sent more data than the portal accepts.
error-form-not-utf8 = The form contained text that is not valid UTF-8.
# { $reason } is the technical reason, as the form reader gives it.
error-form-unreadable = The form could not be read: { $reason }.
error-refused-title = Request refused
error-page-expired = This page had expired. Go back, reload it and try again.
error-cross-site = This form was sent from another website, so the portal did not act on it. Open the portal directly and try again.
error-console-only-title = Not available
error-console-only = The support console is for support agents and administrators.
error-claim-not-found-title = Claim not found
error-claim-not-found = There is no claim at this address, or it is not yours.
error-not-allowed-title = Not allowed
error-not-possible-now-title = Not possible now
error-check-form-title = Please check the form
error-file-problems-title = The file has problems
error-please-wait-title = Please wait
error-not-possible-title = Not possible
language-unknown-title = Choose a language
