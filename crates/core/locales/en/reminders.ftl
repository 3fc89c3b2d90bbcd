# The deadline reminder email: 14, 7 and 1 days before the setup deadline, and the day after
# support sets a new one. $last-day and $deadline are written by Language::long_date; $zone is the
# portal's time zone; $kind is days, last-day or support.
reminder-email-subject = Set up sign-in verification by { $last-day }
reminder-email-body =
    Hello { $name },

    To keep your { $portal } account safe, sign-in now asks for a second step: a code texted to your phone, or one from an authenticator app. Please set one up by the end of { $last-day } ({ $zone } time). { $kind ->
        [last-day] Today is the last day
        [support] Support set this date for you
       *[days] You have { $days } days left
    }.

    Sign in at { $url }/login and follow the steps; it takes a few minutes.

    From { $deadline } you can no longer sign in until support helps you: { $support }.
