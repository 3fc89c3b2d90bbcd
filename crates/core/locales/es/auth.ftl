# Iniciar sesión: las páginas de inicio de sesión, contraseña olvidada y nueva contraseña, sus
# errores, el correo para restablecer la contraseña y la página de ayuda.

# Errores en lo que la persona escribió (EmailError, PasswordError, DisplayNameError de core),
# junto al campo.
email-error-empty = Ingrese una dirección de correo electrónico
email-error-too-long = Una dirección de correo electrónico puede tener como máximo { $max } caracteres
email-error-malformed = Ingrese una dirección de correo electrónico como nombre@ejemplo.com
password-error-too-short = La contraseña debe tener al menos { $min } caracteres
password-error-too-long = La contraseña puede tener como máximo { $max } caracteres
password-error-common = Esta contraseña figura en una lista de contraseñas comunes o filtradas; elija otra
password-error-context-words = La contraseña no puede estar formada por su dirección de correo electrónico, su nombre ni el nombre del portal
name-error-empty = Ingrese un nombre
name-error-too-long = Un nombre puede tener como máximo 100 caracteres
name-error-control-characters = Un nombre no puede contener caracteres de control

# Por qué no se pudo iniciar sesión o restablecer la contraseña (LoginError, ResetError de core).
login-error-invalid = El correo electrónico o la contraseña no son correctos. Revíselos e inténtelo de nuevo.
login-error-throttled = Demasiados intentos de inicio de sesión. Espere { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } e inténtelo de nuevo.
login-error-setup-expired = Ya pasó la fecha límite para configurar un método de verificación.
reset-error-invalid-link = Este enlace para restablecer la contraseña no es válido, ya se usó o venció. Pida uno nuevo desde la página de inicio de sesión.
auth-error-internal = Algo falló en nuestro sistema. Vuelva a intentarlo en un momento.

# Compartidos por las páginas de inicio de sesión, contraseña olvidada y nueva contraseña.
auth-email-label = Correo electrónico
auth-back-to-sign-in = Volver a iniciar sesión
auth-page-expired-retry = Esta página caducó. Inténtelo de nuevo.

# La página de inicio de sesión (/login).
login-title = Iniciar sesión
login-lede = Inicie sesión para preparar y enviar el inventario de pérdidas de su reclamo.
login-password-label = Contraseña
login-submit = Iniciar sesión
login-with-passkey = Iniciar sesión con una llave de acceso
login-forgot-link = ¿Olvidó su contraseña?
login-enter-password = Ingrese su contraseña
login-page-expired = Esta página caducó. Vuelva a iniciar sesión.
login-signed-out = Cerró sesión.
login-password-changed = Se cambió su contraseña. Inicie sesión con la contraseña nueva.
login-session-ended = Su sesión terminó. Vuelva a iniciar sesión.

# La página de contraseña olvidada (/forgot-password).
forgot-title = Contraseña olvidada
forgot-heading = ¿Olvidó su contraseña?
forgot-lede = Ingrese la dirección de correo electrónico de su cuenta y le enviaremos un enlace para elegir una contraseña nueva.
forgot-submit = Enviar el enlace
forgot-sent-heading = Revise su correo electrónico
forgot-sent = Si hay una cuenta con esa dirección, le enviamos un enlace para elegir una contraseña nueva. El enlace funciona una sola vez, durante 30 minutos.
forgot-nothing-arrived-html = ¿No le llegó nada? Revise su carpeta de correo no deseado o <a href="/forgot-password">pídalo de nuevo</a>.
forgot-too-many-minutes = Demasiadas solicitudes para restablecer la contraseña; inténtelo de nuevo en { $minutes ->
        [one] un minuto
       *[other] { $minutes } minutos
    }.
forgot-too-many-hours = Demasiadas solicitudes para restablecer la contraseña; inténtelo de nuevo en { $hours ->
        [one] una hora
       *[other] { $hours } horas
    }.

# La página para elegir una contraseña nueva (/reset-password, desde el enlace del correo).
reset-title = Elija una contraseña nueva
reset-lede = Use al menos 12 caracteres. Unas cuantas palabras sin relación entre sí forman una contraseña segura y fácil de escribir. No se aceptan contraseñas comunes o filtradas, ni contraseñas formadas por su dirección de correo electrónico o su nombre.
reset-password-label = Contraseña nueva
reset-confirm-label = Escríbala otra vez
reset-submit = Guardar la contraseña nueva
reset-mismatch = Las dos contraseñas no coinciden
reset-link-unusable = Este enlace no se puede usar

# El correo con el enlace para restablecer la contraseña. $link va solo en su línea.
reset-email-subject = Restablezca su contraseña de { $portal }
reset-email-body =
    Hola, { $name }:

    Alguien (esperamos que usted) pidió restablecer la contraseña de su cuenta de { $portal }.
    Abra este enlace en los próximos 30 minutos para elegir una contraseña nueva:

    { $link }

    El enlace funciona una sola vez. Si usted no lo pidió, ignore este correo: su contraseña seguirá siendo la misma.
    Restablecer la contraseña no cambia sus métodos de verificación (mensaje de texto, aplicación de autenticación).
