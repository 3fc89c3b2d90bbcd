# El correo que recuerda la fecha límite: 14, 7 y 1 días antes de la fecha límite de configuración,
# y el día después de que soporte fije una nueva. Language::long_date escribe $last-day y
# $deadline; $zone es la zona horaria del portal; $kind es days, last-day o support.
reminder-email-subject = Configure la verificación de inicio de sesión a más tardar el { $last-day }
reminder-email-body =
    Hola, { $name }:

    Para proteger su cuenta de { $portal }, ahora el inicio de sesión le pide un segundo paso: un código que le llega por mensaje de texto a su teléfono, o uno de una aplicación de autenticación. Configure uno a más tardar al final del { $last-day } (hora de { $zone }). { $kind ->
        [last-day] Hoy es el último día
        [support] Soporte fijó esta fecha para usted
       *[days] { $days ->
            [one] Le queda { $days } día
           *[other] Le quedan { $days } días
        }
    }.

    Inicie sesión en { $url }/login y siga los pasos; solo toma unos minutos.

    A partir del { $deadline }, ya no podrá iniciar sesión hasta que soporte le ayude: { $support }.
