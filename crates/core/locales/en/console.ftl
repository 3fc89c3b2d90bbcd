# The support console: its pages, its errors, the enrollment chart, and the emails it sends.

# ConsoleError and StaffError: lower-case like their Display (the pages capitalise them).
console-error-not-staff = the support console is for support agents and administrators
console-error-not-found = no user with this id
console-error-own-account = nobody can act on their own account through the console
console-error-not-permitted = support agents act on policyholders only; ask an administrator
console-error-step-up = verify with your second factor first (needed every { $minutes } minutes for console actions)
console-error-rate-limited = too many console actions this hour; try again later
console-error-changed = this account changed since you opened the page; review it and try again
console-error-invalid-days = days must be between 1 and { $max }
console-error-invalid-reason = give a reason (at most { $max } characters)
console-error-staff-no-deadline = staff have no setup deadline: they set MFA up at their first sign-in
console-error-internal = something went wrong on our side; try again in a moment
console-error-admin-only = only administrators create staff accounts
console-error-not-a-staff-role = choose adjuster, support or admin
console-error-duplicate = an account with this email already exists

# The email a new staff member gets. $role is adjuster, support or admin.
console-staff-email-subject = Your staff account
console-staff-email-text =
    { $actor } created a { $role ->
        [adjuster] adjuster
        [support] support agent
       *[admin] administrator
    } account for you on { $portal }.

    Choose your password within 7 days with this link (it works once):

    { $link }

    At your first sign-in you will set up a verification method (authenticator app or text message); staff always need one.

# The second factor's wrong-code state, on a user's page.
console-throttle-none = no recent wrong codes
console-throttle-failures = { $count } wrong code(s) in a row
console-throttle-paused = paused for { $seconds } more seconds after { $count } wrong codes
console-throttle-locked = locked after 100 wrong codes

# The console's menu, on every console page.
console-nav-users = Users
console-nav-report = Enrollment report
console-nav-audit = Audit log
console-nav-staff = New staff account

# Roles, states and methods as the console names them.
console-state-enrolled = Enrolled ({ $methods })
console-state-method-app = app
console-state-method-sms = SMS
console-state-method-passkey = passkey
console-state-pending-days = Setup pending, { $days } days left
console-state-pending-next-sign-in = Setup pending (at next sign-in)
console-state-expired = Past the deadline
console-state-locked = Locked
console-never = never
console-none = none
console-demo = Demo

# The user list and search.
console-users-title = Users
console-users-search-label = Search by email or name
console-users-search = Search
console-users-found =
    { $count ->
        [one] { $count } user
       *[other] { $count } users
    }.
console-users-found-matching =
    { $count ->
        [one] { $count } user
       *[other] { $count } users
    } matching “{ $query }”.
console-users-col-user = User
console-users-col-role = Role
console-users-col-mfa = MFA
console-users-col-last-sign-in = Last sign-in
console-users-demo-hint = Created for a local trial; removed by inventory-portal user remove-demo
console-users-pages = Pages
console-users-previous = ← Previous
console-users-page-of = Page { $page } of { $pages }
console-users-next = Next →

# One user's page.
console-user-demo-note-html = A demo account, created for a local trial. <code>inventory-portal user remove-demo</code> deletes every demo account and its claims.
console-user-mfa-state = MFA state
console-user-methods = Methods
console-user-recovery-codes = Recovery codes left
console-user-devices = Remembered devices
console-user-deadline = Setup deadline
console-user-wrong-codes = Wrong codes
console-user-created = Account created
console-user-last-sign-in = Last sign-in
console-user-actions = Actions
console-user-sessions = Open sessions ({ $count })
console-user-sessions-label = Open sessions
console-user-no-sessions = None.
console-user-col-started = Started
console-user-col-last-seen = Last seen
console-user-col-level = Level
console-user-col-address = Address
console-user-col-browser = Browser
console-user-level-full = signed in
console-user-level-password = password only
console-user-events = Recent events
console-user-col-when = When
console-user-col-action = Action
console-user-col-outcome = Outcome
console-user-col-by = By
console-user-all-events = All events of this user
console-user-method-text = Text message to { $phone }
console-user-device = { $device }, until { $until }
console-user-unknown-device = unknown device
console-user-done-extend = The deadline was extended and the user was told by email.
console-user-done-reset = MFA was reset: every method removed, every session ended, the user was told by email.
console-user-done-unlock = The account was unlocked.
console-user-done-end-sessions = Every session of this user was ended.

# The actions, on a user's page and on the page that confirms each.
console-action-extend-button = Extend deadline
console-action-reset-button = Reset MFA
console-action-unlock-button = Unlock
console-action-end-sessions-button = End sessions
console-action-extend-title = Extend the setup deadline
console-action-extend-explanation = { $email } gets until the chosen number of days from today ({ $zone } time) to set up a verification method, and is told by email. Their current deadline is { $deadline }.
console-action-reset-title = Reset MFA
console-action-reset-explanation = Every verification method of { $email } is removed and every session ends. At the next sign-in they set up a new method within { $days } days. They are told by email. Use this when a phone is lost or replaced.
console-action-unlock-title = Unlock sign-in
console-action-unlock-explanation = The wrong-code count of { $email }, any pause and the 100-failure lock are cleared, so they can try their codes again.
console-action-end-sessions-title = End all sessions
console-action-end-sessions-explanation = Every browser and device signed in as { $email } is signed out at once.
console-action-what-happens = What will happen:
console-action-days = Days from today (1–90)
console-action-days-invalid = Enter a whole number of days from 1 to 90
console-action-reason = Reason
console-action-reason-hint = Saved in the audit log, for example “called in, identity checked by phone”.
console-action-cancel = Cancel

# The enrollment report and its chart.
console-report-title = Enrollment report
console-report-heading = MFA enrollment report
console-report-lede = Policyholders only, on { $date }.
console-report-download = Download CSV
console-report-counts-label = Enrollment counts
console-report-policyholders = Policyholders
console-report-enrolled = Enrolled
console-report-with-app = — with an authenticator app
console-report-with-sms = — with text messages
console-report-with-both = — with both
console-report-with-passkey = — with a passkey
console-report-pending = Setup pending
console-report-pending-7 = — 7 days or less left
console-report-pending-30 = — 8 to 30 days left
console-report-pending-more = — more than 30 days left
console-report-expired = Past the deadline
console-report-locked = Locked
console-report-past-heading = Past the deadline ({ $count })
console-report-nobody = Nobody.
console-report-col-user = User
console-report-col-deadline = Deadline
console-report-error-title = Something went wrong
console-report-csv-failed = The report could not be written.
console-chart-csv-failed = The chart's numbers could not be written.
console-chart-heading = Enrollment from { $first } to { $last }
console-chart-past = The portal does not record when anyone enrolled, so the past is today's facts applied to earlier days: each day counts the policyholders whose account existed then, as enrolled if they are enrolled now, and as past the deadline if their deadline as it stands today had come and they still have no method. Enrolled is therefore high and setup pending low on earlier days, and an extension granted since counts on the days before it too.
console-chart-future = After today (dashed lines) the numbers are a projection: no new accounts, and pending policyholders fall past their deadline unless they enroll first at the measured rate, { $enrollments } in the last { $days } days (the policyholders created in those days who are enrolled now; older accounts' enrollments have no date, so the rate is a floor and the projected lockouts are on the high side), nearest deadline first. Marked: each setup deadline of someone without a method. Locked accounts ({ $locked }) are in none of the lines.
console-chart-download = Download every day as CSV
console-chart-caption = Green: enrolled. Blue: setup pending. Red-orange: past the deadline. Solid up to today, dashed after it. Grey triangles and dotted lines: setup deadlines.
console-chart-not-drawn = The chart could not be drawn; the table has its numbers.
console-chart-table-label = Enrollment by day
console-chart-table-caption = Policyholders by day: every seventh day from today, the first and last day, and every deadline day (the CSV has every day)
console-chart-col-date = Date
console-chart-col-note = Note
console-chart-projected = projected
console-chart-known = as known today
console-chart-deadline-note = ; deadline of { $count } without a method
console-chart-description = Policyholders enrolled, with setup pending and past the deadline each day from { $first } to { $last }; dashed after today, where the numbers are a projection. The table below has the same numbers.
# Inside the chart's drawing: the axis, the legend, the line at today, each deadline's marker.
console-chart-axis = Policyholders
console-chart-today = today
console-chart-marker =
    Setup deadline { $date }: { $count ->
        [one] { $count } policyholder
       *[other] { $count } policyholders
    } without a method
# A date under the chart's axis: "Mar 2".
console-chart-day =
    { $month ->
        [1] Jan
        [2] Feb
        [3] Mar
        [4] Apr
        [5] May
        [6] Jun
        [7] Jul
        [8] Aug
        [9] Sep
        [10] Oct
        [11] Nov
       *[12] Dec
    } { $day }

# The audit log page.
console-audit-title = Audit log
console-audit-user = User (email or id)
console-audit-actor = Actor
console-audit-action = Action
console-audit-action-example = e.g. support.mfa.reset
console-audit-outcome = Outcome
console-audit-any = any
console-audit-from = From (date)
console-audit-until = Until (date, inclusive)
console-audit-filter = Filter
console-audit-export-csv = Export CSV
console-audit-export-jsonl = Export JSON lines
console-audit-events-label = Audit events
console-audit-col-subject = Subject
console-audit-col-details = Details
console-audit-limits = Newest first, at most { $limit } rows; exports take up to 10 000.
console-audit-filter-not-understood = Filter not understood
console-audit-export-failed = The export could not be written.
# An audit outcome as the console shows it (the log and its exports keep success, failure, refused).
console-outcome-success = success
console-outcome-failure = failure
console-outcome-refused = refused
# A filter the audit log cannot use: the field, then what to do.
console-audit-bad-date =
    { $field ->
        [from] from
       *[until] until
    }: use a date like 2026-03-01
console-audit-bad-user = user: give an email address or a user id
console-audit-no-such-user = user: no account with email { $email }
console-audit-bad-outcome = outcome: use success, failure or refused

# The page where an administrator creates a staff account.
console-staff-title = New staff account
console-staff-lede = The new colleague gets an email with a link (valid 7 days) to choose a password, and sets up a verification method at the first sign-in.
console-staff-email = Email address
console-staff-name = Name
console-staff-role = Role
console-staff-create = Create account
console-staff-not-available = Not available
console-staff-admins-only = Only administrators create staff accounts.
console-staff-created = Created { $email } ({ $role }); a link to choose a password was emailed.
# A field of the staff form that is wrong: "Email: enter an email address".
console-staff-field-email = Email
console-staff-field-name = Name
console-staff-field-role = Role
console-staff-field-error = { $field }: { $message }
console-staff-email-empty = enter an email address
console-staff-email-too-long = an email address has at most 254 characters
console-staff-email-malformed = enter an email address like name@example.com
console-staff-name-empty = enter a name
console-staff-name-too-long = a name has at most 100 characters
console-staff-name-control = a name cannot contain control characters
console-staff-role-unknown = unknown role { $role }: use policyholder, adjuster, support or admin
