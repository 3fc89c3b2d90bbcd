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

# La página de ayuda (/help): la ayuda de la guía para iniciar sesión. Las palabras en <strong> son
# los botones y opciones que muestran las páginas.
help-title = Ayuda para iniciar sesión
help-lede = { $portal } protege su reclamo con dos pasos: su contraseña y, después, un código de 6 dígitos de su teléfono o computadora (autenticación de múltiples factores, MFA). Aunque alguien averigüe su contraseña, no podrá entrar sin el código.
help-grace = Cuando se active la MFA, la primera vez que inicie sesión se le pedirá que agregue un método de verificación. Tiene { $days ->
        [one] 1 día
       *[other] { $days } días
    } para hacerlo; después necesitará la ayuda de soporte para iniciar sesión. Nada de lo que hay aquí abre ventanas emergentes, así que no tiene que permitir nada en su navegador.
help-sms-heading = Mensaje de texto (SMS)
help-sms-step-choose-html = Elija <strong>Mensaje de texto (SMS)</strong>.
help-sms-step-number-html = Seleccione su país, ingrese su número de teléfono con el código de área y elija <strong>Enviar código de verificación</strong>.
help-sms-step-code-html = Escriba el código de 6 dígitos que recibió por mensaje de texto y elija <strong>Verificar código</strong>. Los códigos sirven durante 10 minutos; con <strong>Reenviar</strong> se le envía uno nuevo.
help-sms-phones-html = Sirve cualquier teléfono que reciba mensajes de texto, del trabajo o personal. Un teléfono fijo no puede recibir mensajes de texto: elija <strong>Prefiero una llamada</strong> y llamaremos a ese número para leerle el código dos veces, despacio (si el número es claramente fijo, lo llamamos aunque usted pida un mensaje de texto). Los mensajes de texto y las llamadas pueden enviarse a: { $countries }.
help-app-heading = Aplicación de autenticación en su teléfono
help-app-recommended = Le recomendamos una aplicación de autenticación si no tiene acceso a mensajes de texto.
help-app-step-install = Instale desde su tienda de aplicaciones una aplicación compatible con TOTP (contraseñas de un solo uso basadas en el tiempo), por ejemplo, Microsoft Authenticator o Google Authenticator.
help-app-step-scan-html = En el portal, elija <strong>Aplicación de autenticación</strong>. En la aplicación, elija agregar (normalmente un <strong>+</strong>) y escanee el código QR.
help-app-step-code-html = Escriba el código de 6 dígitos que muestra la aplicación y elija <strong>Continuar</strong>.
help-desktop-heading = Aplicación de autenticación en su computadora
help-desktop-step-install = Si no tiene un dispositivo móvil, instale una aplicación de escritorio compatible con TOTP, como Authy, y configure su cuenta.
help-desktop-step-add-html = En la aplicación, agregue una cuenta. En el portal, elija <strong>¿Sigue teniendo problemas?</strong>, debajo del código QR.
help-desktop-step-secret-html = Copie la clave secreta que muestra el portal (por ejemplo, <code>deuk 3yiq suz3 p3cr …</code>) y péguela donde la aplicación le pida el código que le dio el sitio web. Use su correo electrónico como nombre de la cuenta.
help-desktop-step-code-html = Copie el código de 6 dígitos que muestra la aplicación, péguelo o escríbalo en el portal y elija <strong>Continuar</strong>.
help-returning-heading = Cómo iniciar sesión después de configurarlo
help-returning-choose-html = Después de su contraseña, elija <strong>Mensaje de texto</strong> o <strong>Aplicación de autenticación</strong> (ya está seleccionado el que usó la última vez).
help-returning-text-html = Mensaje de texto: elija <strong>Enviar código de verificación</strong>, ingrese el código que recibió y elija <strong>Verificar código</strong>.
help-returning-app-html = Aplicación de autenticación: abra la aplicación, ingrese el código que muestra para { $portal } y elija <strong>Verificar código</strong>.
help-returning-once = Cada código funciona una sola vez. Si se ingresan demasiados códigos incorrectos, el inicio de sesión se pausa por un rato; espere e inténtelo de nuevo.
help-support-heading = ¿No puede continuar? Comuníquese con soporte
help-support-intro = Si ya pasó la fecha límite para configurarlo, perdió su teléfono o no puede completar la verificación, soporte puede darle más tiempo o restablecer sus métodos de verificación.
help-support-email-html = Escríbanos a <a href="mailto:{ $email }">{ $email }</a>
help-support-chat = Chatear con soporte
