# Phone numbers: the errors of the number a person types, and the countries the picker lists.

sms-error-unknown-country = Choose a country
sms-error-country-not-allowed = Text messages cannot be sent to this country; use the authenticator app instead
sms-error-empty = Enter your phone number with its area code
sms-error-invalid = Enter a valid phone number for the country you chose, with its area code

# Country names (the phone number's country picker, the help page).
sms-country-us = United States
sms-country-ca = Canada
sms-country-au = Australia
sms-country-de = Germany
sms-country-es = Spain
sms-country-fr = France
sms-country-gb = United Kingdom
sms-country-ie = Ireland
sms-country-in = India
sms-country-it = Italy
sms-country-mx = Mexico
sms-country-nl = Netherlands
sms-country-nz = New Zealand
sms-country-pr = Puerto Rico
