# Los correos que avisan al usuario de un cambio en su inicio de sesión (notice.rs en core): el
# saludo, el mensaje y (en la mayoría) la línea "si no fue usted". Nunca llevan un código ni un enlace.

notice-not-you = Si no fue usted, comuníquese de inmediato con soporte en { $support }.

# Cómo se nombra un método dentro de una oración.
notice-method-totp = una aplicación de autenticación
notice-method-sms-to = mensajes de texto al { $phone }
notice-method-sms = mensajes de texto
notice-method-passkey = una llave de acceso

# Asuntos (después de un guion va el nombre del portal).
notice-method-added-subject = Se agregó un método de verificación
notice-method-removed-subject = Se quitó un método de verificación
notice-deadline-extended-subject = Más tiempo para configurar la verificación al iniciar sesión
notice-mfa-reset-subject = Se restableció la verificación de su inicio de sesión
notice-unlocked-subject = Se desbloqueó la verificación del inicio de sesión
notice-sessions-ended-subject = Se cerró su sesión en todos los dispositivos
notice-password-reset-subject = Se cambió su contraseña
notice-locked-subject = Inicio de sesión bloqueado por demasiados códigos incorrectos
notice-recovery-code-used-subject = Se usó un código de recuperación para iniciar sesión
notice-recovery-codes-created-subject = Se crearon códigos de recuperación nuevos
notice-device-remembered-subject = A un dispositivo no se le pedirá el código
notice-devices-forgotten-subject = Se olvidaron los dispositivos recordados
notice-sessions-ended-by-you-subject = Se cerró la sesión de algunos dispositivos en su cuenta
notice-passkey-added-subject = Se agregó una llave de acceso
notice-passkey-removed-subject = Se quitó una llave de acceso
notice-passkey-renamed-subject = Se cambió el nombre de una llave de acceso

# Los mensajes. $deadline es una fecha; $zone, la zona horaria del portal (p. ej., America/New_York).
notice-method-added = Al iniciar sesión, su cuenta de { $portal } ahora acepta códigos de { $method }.
notice-method-removed = Al iniciar sesión, su cuenta de { $portal } ya no acepta códigos de { $method }.
notice-deadline-extended =
    Soporte le dio plazo hasta el { $deadline } (zona horaria { $zone }) para configurar un método de verificación (mensaje de texto o aplicación de autenticación) en su cuenta de { $portal }. Inicie sesión y siga los pasos antes de esa fecha.

    Si usted no lo pidió, comuníquese con soporte en { $support }.
notice-mfa-reset =
    Soporte quitó los métodos de verificación (mensaje de texto, aplicación de autenticación) de su cuenta de { $portal } y cerró su sesión en todos los dispositivos. La próxima vez que inicie sesión se le pedirá que configure uno de nuevo; hágalo a más tardar el { $deadline } (zona horaria { $zone }).

    Si usted no lo pidió, comuníquese de inmediato con soporte en { $support }.
notice-unlocked =
    Soporte desbloqueó la verificación del inicio de sesión de su cuenta de { $portal }: se borró el conteo de códigos incorrectos y ya puede volver a iniciar sesión con su método de verificación.

    Si usted no lo pidió, comuníquese de inmediato con soporte en { $support }.
notice-sessions-ended =
    Soporte cerró la sesión de su cuenta de { $portal } en todos los dispositivos. Vuelva a iniciar sesión para continuar.

    Si usted no lo pidió, comuníquese de inmediato con soporte en { $support }.
notice-password-reset = La contraseña de su cuenta de { $portal } se cambió con un enlace para restablecerla, y se cerró la sesión en todos los dispositivos conectados a la cuenta. Sus métodos de verificación no cambiaron.
notice-locked =
    El inicio de sesión en su cuenta de { $portal } está bloqueado: el código de verificación se ingresó mal demasiadas veces seguidas. Es posible que alguien que conoce su contraseña esté intentando iniciar sesión.

    Comuníquese con soporte en { $support } para desbloquearlo y elija una contraseña nueva ("¿Olvidó su contraseña?" en la página de inicio de sesión).
notice-recovery-code-used =
    Se usó un código de recuperación para iniciar sesión en su cuenta de { $portal }. Cada código funciona una sola vez. { $left ->
        [0] Ya no le quedan códigos de recuperación: cree un juego nuevo ahora mismo en su página de seguridad.
        [one] Le queda 1 código de recuperación.
       *[other] Le quedan { $left } códigos de recuperación.
    }

    Si perdió su teléfono, agregue un método de verificación nuevo en su página de seguridad.
notice-recovery-codes-created = Se creó un juego nuevo de códigos de recuperación para su cuenta de { $portal }. Los códigos que tenía antes ya no funcionan.
notice-device-remembered = Un dispositivo (navegador) inició sesión en su cuenta de { $portal } y no se le pedirá un código de verificación durante { $days ->
        [one] 1 día
       *[other] { $days } días
    }. Puede hacer que el portal lo olvide desde su página de seguridad.
notice-devices-forgotten = { $count ->
        [one] Su cuenta de { $portal } olvidó 1 dispositivo recordado: se le pedirá un código de verificación la próxima vez que inicie sesión.
       *[other] Su cuenta de { $portal } olvidó { $count } dispositivos recordados: se les pedirá un código de verificación la próxima vez que inicien sesión.
    }
notice-sessions-ended-by-you = { $count ->
        [one] Desde su página de seguridad se cerró la sesión de 1 dispositivo conectado a su cuenta de { $portal }.
       *[other] Desde su página de seguridad se cerró la sesión de { $count } dispositivos conectados a su cuenta de { $portal }.
    }
notice-passkey-added = Se agregó a su cuenta de { $portal } una llave de acceso llamada "{ $name }". Le permite iniciar sesión en su propio dispositivo, con el bloqueo de pantalla o la huella digital de ese dispositivo.
notice-passkey-removed = La llave de acceso llamada "{ $name }" ya no permite iniciar sesión en su cuenta de { $portal }.
notice-passkey-renamed = Una llave de acceso de su cuenta de { $portal } ahora se llama "{ $name }".
