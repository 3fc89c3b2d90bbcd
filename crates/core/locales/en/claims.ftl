# Claims and the loss inventory: the claim pages, their errors and the emails they send.

# Claim statuses and item conditions as pages show them (the API and CSV keep draft, in_review, like_new…).
claim-status-draft = Draft
claim-status-submitted = Submitted
claim-status-in-review = In review
claim-status-closed = Closed
# Joins the statuses a step needs: "submitted or in review".
claim-status-or = or
claim-condition-new = New
claim-condition-like-new = Like new
claim-condition-good = Good
claim-condition-fair = Fair
claim-condition-poor = Poor

# Room names the item form suggests (any other name is fine; what is picked is stored as typed).
claim-room-kitchen = Kitchen
claim-room-living-room = Living room
claim-room-dining-room = Dining room
claim-room-bedroom = Bedroom
claim-room-bathroom = Bathroom
claim-room-office = Office
claim-room-garage = Garage
claim-room-basement = Basement
claim-room-laundry = Laundry
claim-room-outdoor = Outdoor

# What is wrong with a field, shown next to it on the claim forms (the JSON API says "field: …" in English).
claim-field-required = is required
claim-field-too-long = at most { $max } characters (this has { $count })
claim-field-control-characters = cannot contain control characters
claim-field-quantity-range = must be a whole number from 1 to { $max }
claim-field-age-years-range = must be from 0 to { $max } years
claim-field-age-months-range = must be from 0 to 11 months
claim-field-condition-unknown = must be one of new, like_new, good, fair, poor
claim-field-cost-range = must be from 0 to { $max } cents ($10,000,000.00)
claim-field-whole-number = enter a whole number
claim-field-too-many-items = a claim holds at most { $max } items
claim-field-loss-date-format = enter the date as YYYY-MM-DD
claim-field-loss-date-future = the loss date cannot be in the future
claim-field-loss-date-too-old = the loss date is too far in the past
claim-field-claim-number-characters = use letters, digits, spaces and - _ / . only
claim-field-claim-number-taken = a claim with this number already exists
claim-field-staff-email = this email belongs to a staff account
claim-field-account-just-created = this account was just created; try again
claim-field-email-empty = enter an email address
claim-field-email-too-long = an email address has at most 254 characters
claim-field-email-invalid = enter an email address like name@example.com
claim-field-name-empty = enter a name
claim-field-name-too-long = a name has at most 100 characters
claim-field-name-control-characters = a name cannot contain control characters

# An amount of money as typed (the item form's cost, the CSV's replacement_cost).
claim-money-empty = enter an amount such as 1234.56
claim-money-negative = cannot be negative
claim-money-not-an-amount = { $value } is not an amount; write it like 1234.56 (no $ or commas)
claim-money-decimals = at most two decimals (cents)
claim-money-too-large = the amount is too large

# Why a photo or receipt is refused (under the item page's upload field).
claim-file-empty = the file is empty
claim-file-too-big = a file can be at most { $mib } MiB
claim-file-wrong-kind = only JPEG and PNG photos and PDF files can be attached
claim-file-pdf-damaged = this PDF is incomplete or damaged
claim-file-image-damaged = this { $kind } image is damaged or incomplete
claim-file-too-many-pixels = the photo is too large (at most { $megapixels } megapixels, { $side } pixels a side)
claim-file-no-thumbnail = could not make a thumbnail of this photo
claim-file-claim-full = this claim's files may take at most { $gib } GiB together; remove some to add more
claim-file-item-full = an item can have at most { $max } attachments

# Problems in an imported CSV file, each shown with its line and column (column names and values stay as in the file).
claim-csv-unclosed-quote = a quoted value is never closed
claim-csv-text-after-quote = unexpected text after a closing quote
claim-csv-not-whole-number = { $value } is not a whole number
claim-csv-not-yes-no = { $value } is not yes or no
claim-csv-empty-file = the file is empty; it needs the header row
claim-csv-wrong-column = column { $number } should be { $expected }, found { $found }
claim-csv-missing-column = column { $expected } is missing
claim-csv-unknown-column = unknown column { $name }
claim-csv-too-many-rows = at most { $max } items per file
claim-csv-value-count = expected { $expected } values, found { $found }
claim-csv-not-utf8 = is not valid UTF-8 text (save the file as UTF-8)
claim-csv-claim-full = a claim holds at most { $max } items; this file would exceed that
# One problem with where it is: "line 3, column quantity: …".
claim-csv-problem-at = line { $line }, column { $column }: { $problem }

# Why the inventory refuses something (error pages; the API keeps the English).
claim-error-not-found = no such claim or item
claim-error-locked = this inventory has been submitted; it is read-only until your adjuster reopens it
claim-error-import = the file has { $count } problem(s); nothing was saved
claim-error-rate-limited = too many new policyholders invited this hour; try again in { $wait }
claim-error-internal = something went wrong on our side; try again
claim-wait-minutes =
    { $count ->
        [one] a minute
       *[other] { $count } minutes
    }
claim-wait-hours =
    { $count ->
        [one] an hour
       *[other] { $count } hours
    }
claim-forbidden-policyholder-changes = only the policyholder changes the inventory
claim-forbidden-adjuster-only = only the claim's adjuster can do this
claim-forbidden-adjusters-open = only adjusters open claims
claim-forbidden-policyholder-submits = only the policyholder submits the inventory
# "the claim is draft; this needs it to be submitted or in review"
claim-wrong-status = the claim is { $current }; this needs it to be { $needed }
claim-wrong-status-comment = comment on items while the inventory is under review
claim-wrong-status-empty = add at least one item before submitting

# Emails: the invitation to a claim (to the policyholder), "submitted" (to the adjuster), "reopened" (to the policyholder).
claim-mail-invite-subject = Claim { $number }
claim-mail-invite-new-account =
    { $adjuster } opened claim { $number } for you on { $portal }, where you list what was lost.

    Choose your password within 7 days with this link (it works once):

    { $link }

    Then sign in and open the claim to build your inventory.
claim-mail-invite-existing-account =
    { $adjuster } opened claim { $number } for you on { $portal }. Sign in and open it here to build your inventory:

    { $link }
claim-mail-submitted-subject = Inventory submitted for claim { $number }
claim-mail-submitted =
    { $policyholder } submitted the inventory of claim { $number } ({ $count } items, { $total }). Open it to review:

    { $link }
claim-mail-reopened-subject = Claim { $number } reopened
claim-mail-reopened =
    { $adjuster } reopened the inventory of claim { $number } so you can change it. Their message:

    { $message }

    Open the claim: { $link }

# The claims list.
claim-list-title = Claims
claim-list-your-title = Your claims
claim-list-open = Open a claim
claim-list-filter-label = Filter by status
claim-list-all = All
claim-list-none-with-status = No claims with this status.
claim-list-none = No claims yet.
claim-list-none-hint = Your adjuster opens the claim and sends you an invitation.
claim-col-claim = Claim
claim-col-status = Status
claim-col-loss-date = Loss date
claim-col-policyholder = Policyholder
claim-col-items = Items
claim-col-total = Total

# Opening a claim (adjusters).
claim-back-to-claims = ← Claims
claim-new-title = Open a claim
claim-new-opened = Claim { $number } is open
claim-new-invited-new-account = The policyholder's account was created and an invitation was emailed. If they cannot find it, read them this single-use link (valid 7 days) to choose their password:
claim-new-invited-existing-account = The policyholder already has an account; they were emailed a link to the claim:
claim-new-go = Go to the claim
claim-new-number = Claim number
claim-new-loss-date = Loss date
claim-new-loss-address = Loss address
claim-new-name = Policyholder's name
claim-new-email = Policyholder's email
claim-new-submit = Open claim and invite

# A claim's page: its facts, the actions, the items by room, the add form and the history.
claim-title = Claim { $number }
claim-back-to-claim = ← Claim { $number }
claim-fact-loss-date = Loss date
claim-fact-address = Address
claim-fact-policyholder = Policyholder
claim-fact-adjuster = Adjuster
claim-fact-total = Total
claim-item-count =
    { $count ->
        [one] { $count } item
       *[other] { $count } items
    }
claim-read-only = This inventory was submitted and is read-only until your adjuster reopens it.
claim-download-csv = Download CSV
claim-submit = Submit inventory for review
claim-start-review = Start review
claim-close = Close claim
claim-reopen-label = Reopen for the policyholder — your message to them
claim-reopen = Reopen inventory
claim-inventory-heading = Inventory
claim-no-items = No items yet.
claim-room-items-label = Items in { $room }
claim-col-item = Item
claim-col-quantity = Qty
claim-col-each = Each
claim-col-condition = Condition
claim-col-actions = Actions
claim-business-use-tag = Business use
claim-adjuster-comment = Adjuster:
claim-attachments-of = Photos and receipts of { $description }
claim-item-edit = Edit
claim-item-photos = Photos
# Read by screen readers after "Photos": "Photos of Toaster".
claim-item-photos-of = of { $description }
claim-item-delete = Delete
claim-comment-label = Comment on { $description }
claim-comment-save = Save comment
claim-total-for-claim = Total for the claim:
claim-add-heading = Add an item
claim-import-hint = Have a list already?
claim-import-hint-link = Import items from a spreadsheet (CSV)
claim-add-item = Add item
claim-history-heading = History
# A line of the history: "Draft → Submitted by ann@example.com".
claim-history-change = { $change } by { $actor }
claim-history-opened = Opened as { $status }
# When a change was made: "March 2, 2026, 09:05 EST".
claim-history-when = { $date }, { $time }
# An item's age, shortened.
claim-age-years = { $years } yr
claim-age-months = { $months } mo
claim-age-years-months = { $years } yr { $months } mo
# What an attachment is, next to its size.
claim-kind-jpeg = JPEG photo
claim-kind-png = PNG image
claim-kind-pdf = PDF

# The notice at the top of a claim or item page after an action.
claim-done-added = The item was added.
claim-done-saved = The item was saved.
claim-done-deleted = The item was deleted.
claim-done-submitted = The inventory was submitted to your adjuster. It is read-only until they reopen it.
claim-done-review = Review started.
claim-done-closed = The claim was closed.
claim-done-reopened = The inventory was reopened; the policyholder can change it again.
claim-done-commented = Comment saved.
claim-done-imported = The items from your file were added.
claim-done-attached = The file was attached.
claim-done-removed = The attachment was removed.

# The item fields (the add form on the claim page and the edit page).
claim-form-description = Description
claim-form-room = Room
claim-form-category = Category
claim-form-optional = (optional)
claim-form-brand = Brand
claim-form-model = Model
claim-form-quantity = Quantity
claim-form-cost = Replacement cost each ($)
claim-form-age-years = Age: years
claim-form-age-months = Age: months
claim-form-condition = Condition
claim-form-business-use = Used for business
claim-form-notes = Notes

# The item page: edit an item, its photos and receipts.
claim-edit-item = Edit item
claim-save-item = Save item
claim-attachments-heading = Photos and receipts
claim-no-attachments = No photos or receipts yet.
claim-remove = Remove
claim-attach-label = Add a photo (JPEG or PNG) or a receipt (PDF), at most { $mib } MiB
claim-attach = Attach file
claim-attachments-full = This item has { $max } attachments, the most an item can have. Remove one to add another.
claim-attach-choose = Choose a photo or PDF to attach.
# A multipart form the portal cannot read (not sent from its page).
claim-form-not-understood-title = Form not understood
claim-form-not-understood = Please send the form from the portal's page.

# Importing items from a CSV file: check first, then import.
claim-import-items = Import items
claim-import-heading = Import items from a spreadsheet
claim-import-problems-label = Problems in the file
claim-import-problems-caption = Problems in { $file }
claim-col-line = Line
claim-col-column = Column
claim-col-problem = Problem
claim-col-room = Room
claim-import-ready =
    { $count ->
        [one] { $file } is ready: { $count } item, { $total } in all. Nothing is saved until you import.
       *[other] { $file } is ready: { $count } items, { $total } in all. Nothing is saved until you import.
    }
claim-import-confirm =
    { $count ->
        [one] Import { $count } item
       *[other] Import { $count } items
    }
claim-import-another = Choose another file
claim-import-preview-label = Items in the file
claim-import-preview-caption = Items in { $file }
claim-import-explain = Save your spreadsheet as CSV (comma-separated, UTF-8) with this first row, then check it here. You see every item — or every problem, by line and column — before anything is saved, and a file with a problem saves nothing.
# { $id } is the claim's id in the link to its CSV download.
claim-import-format-html = Money is a decimal like <code>1299.99</code>; condition is new, like new, good, fair or poor; business use is yes or no. The easiest start is your inventory's own <a href="/claims/{ $id }/export.csv">CSV download</a>.
claim-import-file-label = CSV file (at most { $mib } MiB)
claim-import-check = Check file
claim-import-too-large = The file is larger than { $mib } MiB.
claim-import-choose = Choose a CSV file to check.
claim-import-has-problems =
    { $count ->
        [one] The file has { $count } problem; nothing was saved. Fix them and check the file again.
       *[other] The file has { $count } problems; nothing was saved. Fix them and check the file again.
    }
