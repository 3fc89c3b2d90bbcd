# The JSON API's error messages (`{"error": {"code", "message"}}`). The code is the stable part;
# the message is for the person reading it (the pages' script shows some of them).

api-cross-site = requests from other sites are not accepted
api-not-signed-in = sign in first
api-too-many-attempts = too many attempts; wait and try again
api-internal = something went wrong on our side; try again
api-busy = the portal is busy; try again in a moment
api-no-such-endpoint = no such endpoint
api-device-not-found = remembered device not found
api-session-not-found = session not found
api-setup-expired = the deadline to set up a verification method was { $deadline }; contact support to continue
api-send-json = send the body as JSON with Content-Type: application/json
api-body-not-utf8 = the body is not valid UTF-8
# { $reason } is the JSON parser's own technical explanation.
api-body-not-json = the body is not valid JSON: { $reason }
api-body-not-object = the body must be a JSON object
api-query-invalid = the query string is not valid: { $reason }
api-body-too-large = the body is larger than { $bytes } bytes
api-field-required = { $field }: is required
api-field-unknown = { $field }: is not a known field
# { $reason } is the JSON parser's own technical explanation (for example "invalid type: integer, expected a string").
api-field-invalid = { $field }: { $reason }
api-invalid-credentials = the email or password is not right
api-invalid-link = this reset link is invalid, used or expired; ask for a new one
api-language-invalid = language: must be "en" or "es"
api-claim-status-invalid = status: one of draft, submitted, in_review, closed
api-send-csv = send the file with Content-Type: text/csv
api-file-too-large = the file is larger than { $bytes } bytes
api-send-attachment = send the file as the body with Content-Type image/jpeg, image/png or application/pdf
api-attachment-too-large = a file can be at most { $mib } MiB
api-verify-method-invalid = method must be "totp", "sms" or "recovery"
api-method-invalid = method must be "totp" or "sms"
api-credential-invalid = credential must be the browser's PublicKeyCredential as a JSON object
api-search-too-long = q: at most 200 characters
api-days-required = days: required, 1–90
api-no-such-action = no such action
api-admins-only = only administrators create staff accounts
api-duplicate-account = an account with this email already exists
api-staff-role-invalid = role: choose adjuster, support or admin
