# Verificación en dos pasos: las páginas de configuración y de verificación, el mensaje de texto y
# la llamada con el código, y los errores de la verificación.

# Los métodos por su nombre (páginas de configuración, página de seguridad, consola de soporte).
mfa-method-label-sms = Mensaje de texto (SMS)
mfa-method-label-totp = Aplicación de autenticación
mfa-method-label-passkey = Llave de acceso

# Compartidos por varias páginas: el campo del código, botones, enlaces.
mfa-code-label = Código de 6 dígitos
mfa-send-code = Enviar código de verificación
mfa-send-new-code = Enviar un código nuevo
mfa-verify-code = Verificar código
mfa-call-instead = Prefiero una llamada
mfa-call-with-code = Llamarme con un código
mfa-call-again = Volver a llamarme
mfa-resend = Reenviar
mfa-choose-another = Elegir otro método
mfa-page-not-possible = No es posible
mfa-page-went-wrong = Algo salió mal
mfa-form-not-understood = No se entendió el formulario
mfa-choose-method-to-remove = Elija el método que quiere quitar.

# «No pedir un código en este dispositivo», en la página de verificación (se inserta como HTML).
mfa-remember-device-html = { $days ->
    [one] No pedir un código en este dispositivo durante { $days } día
   *[other] No pedir un código en este dispositivo durante { $days } días
}
mfa-remember-hint = Solo en un dispositivo que use únicamente usted. Cualquier persona que conozca su contraseña podría iniciar sesión en él sin un código.

# La ayuda debajo del campo del código.
mfa-code-hint-sms-setup = El código del mensaje de texto, por ejemplo 123456.
mfa-code-hint-app-setup = El código de 6 dígitos que muestra su aplicación para esta cuenta.
mfa-code-hint-call = El código que se leyó en la llamada.
mfa-code-hint-sms = El código del mensaje de texto.
mfa-code-hint-app = Abra su aplicación de autenticación y escriba el código que muestra para este portal.

# Avisos después de enviar un código o de hacer una llamada.
mfa-notice-called-landline = Este número parece ser de un teléfono fijo, que no puede recibir mensajes de texto, así que lo llamamos y leímos el código dos veces.
mfa-notice-called = Llamamos al número y leímos el código dos veces.
mfa-notice-sent-again = Le enviamos un código nuevo. Solo sirve el código más reciente.
mfa-notice-sent = Le enviamos un código. Escríbalo abajo; solo sirve el código más reciente.

# La página que ofrece los métodos (/mfa/setup).
mfa-choose-title = Agregar un método de verificación
mfa-choose-adding-lede = Agregue otra forma de comprobar que es usted, para poder iniciar sesión aunque no tenga una de ellas a mano.
mfa-choose-lede = Para proteger su cuenta, ahora el portal le pide un segundo paso después de su contraseña: un código de 6 dígitos de su teléfono o computadora.
mfa-choose-deadline-html = { $days ->
    [one] Configúrelo a más tardar el <strong>{ $deadline }</strong> (le queda { $days } día). Después de esa fecha tendrá que comunicarse con soporte para iniciar sesión.
   *[other] Configúrelo a más tardar el <strong>{ $deadline }</strong> (le quedan { $days } días). Después de esa fecha tendrá que comunicarse con soporte para iniciar sesión.
}
mfa-choose-heading = Elija un método
mfa-choose-sms-detail = Le enviamos un código por mensaje de texto a su teléfono cada vez que inicia sesión.
mfa-choose-app-detail = Una aplicación en su teléfono (Microsoft Authenticator, Google Authenticator) o en su computadora (Authy) le muestra el código. Recomendada si no puede recibir mensajes de texto.
mfa-choose-passkey-detail = Su teléfono o computadora se desbloquea con el bloqueo de pantalla, la huella digital o el rostro, sin escribir ningún código. Requiere JavaScript.
mfa-choose-remind-later = Recordármelo más tarde
mfa-choose-how = ¿Cómo funciona?

# Configurar una aplicación de autenticación (/mfa/setup/app).
mfa-app-title = Configurar una aplicación de autenticación
mfa-app-step-open = Abra una aplicación de autenticación: en su teléfono, Microsoft Authenticator, Google Authenticator o cualquier aplicación compatible con TOTP; en una computadora, una aplicación de escritorio como Authy.
mfa-app-step-scan-html = En la aplicación, elija agregar (por lo general, un <strong>+</strong>) y escanee este código QR. En el teléfono que tiene la aplicación, elija mejor <strong>Abrir en su aplicación de autenticación</strong>.
mfa-app-step-code-html = Escriba el código de 6 dígitos que muestra la aplicación y luego elija <strong>Continuar</strong>.
mfa-app-qr-title = Código QR para escanear con su aplicación de autenticación
mfa-app-open-in-app = Abrir en su aplicación de autenticación
mfa-app-trouble = ¿Sigue teniendo problemas?
mfa-app-trouble-secret = Si no puede escanear el código (por ejemplo, con Authy en una computadora), escriba esta clave secreta en la aplicación, donde le pide el código que le dio el sitio web:
mfa-app-copy-secret = Copiar la clave secreta
mfa-app-account-html = Nombre de la cuenta que debe escribir: <strong>{ $account }</strong> (emisor: { $issuer }). Use una cuenta basada en el tiempo (TOTP) de 6 dígitos.
mfa-app-continue = Continuar
mfa-app-restart = Empezar de nuevo con otro código
mfa-app-not-started = El código QR para su aplicación se crea cuando lo pide y sirve durante 15 minutos.
mfa-app-show-qr = Mostrar el código QR
mfa-app-help = Ayuda con las aplicaciones de autenticación

# Agregar una llave de acceso (/mfa/setup/passkey).
mfa-passkey-lede = Una llave de acceso permite que este teléfono o computadora compruebe que es usted con el bloqueo de pantalla, la huella digital o el rostro. La guarda el dispositivo (o el administrador de contraseñas de su teléfono) y solo sirve en este portal.
mfa-passkey-needs-js = Las llaves de acceso necesitan JavaScript, que está desactivado en este navegador.
mfa-passkey-choose-other = Elija mejor un mensaje de texto o una aplicación de autenticación
mfa-passkey-name-label = Nombre de esta llave de acceso
mfa-passkey-name-hint = Para distinguir sus llaves de acceso, por ejemplo "Computadora del trabajo" o "Mi teléfono".
mfa-passkey-create = Crear una llave de acceso

# Configurar los mensajes de texto (/mfa/setup/sms).
mfa-sms-title = Configurar los mensajes de texto
mfa-sms-lede = Seleccione su país y escriba su número de teléfono con el código de área. Le enviaremos un código de 6 dígitos por mensaje de texto.
mfa-sms-country = País
mfa-sms-phone = Número de teléfono
mfa-sms-phone-hint = Con el código de área, por ejemplo 201 555 0123. Un celular recibe un mensaje de texto; para un teléfono fijo, elija "Prefiero una llamada".
mfa-sms-desk-phone-hint = Un teléfono fijo no puede recibir mensajes de texto: con "Prefiero una llamada", llamamos al número y leemos el código dos veces.
mfa-sms-help = Ayuda con los mensajes de texto

# Confirmar el número (/mfa/setup/sms/verify).
mfa-sms-verify-title = Escriba el código que le enviamos
mfa-sms-verify-heading = Verifique su número de teléfono
mfa-sms-verify-lede-html = Le enviamos un código de 6 dígitos por mensaje de texto al <strong>{ $phone }</strong>. Sirve durante 10 minutos.
mfa-sms-other-number = Usar otro número
mfa-sms-resend-wait = { $seconds ->
    [one] ¿No le llegó el código? Puede pedir uno nuevo en { $seconds } segundo.
   *[other] ¿No le llegó el código? Puede pedir uno nuevo en { $seconds } segundos.
}

# El segundo paso de un usuario que vuelve (/mfa/verify).
mfa-verify-title = Verifique que es usted
mfa-verify-choose = Elija cómo recibir su código
mfa-verify-use-method = Usar este método
mfa-verify-method-sms = Mensaje de texto
mfa-verify-method-sms-detail = un código al { $phone }
mfa-verify-method-totp-detail = el código de su aplicación
mfa-verify-method-passkey-detail = el bloqueo de pantalla, la huella digital o el rostro en su dispositivo
mfa-verify-choose-method-error = Elija un método
mfa-recovery-label = Código de recuperación
mfa-recovery-hint = Uno de los 10 códigos que guardó al configurar la verificación, como 7k2mq-x9c4d. Cada uno sirve una sola vez.
mfa-recovery-use = Usar código de recuperación
mfa-verify-passkey-needs-js = Las llaves de acceso necesitan JavaScript, que está desactivado en este navegador. Elija otro método arriba o use un código de recuperación.
mfa-verify-passkey-lede = Use la llave de acceso guardada en este dispositivo o en su teléfono: su navegador le pedirá el bloqueo de pantalla, la huella digital o el rostro.
mfa-verify-passkey-use = Usar su llave de acceso
mfa-verify-landline = El número { $phone } parece ser de un teléfono fijo, que no puede recibir mensajes de texto, así que lo llamamos y leemos el código dos veces.
mfa-verify-texted-html = Le enviamos un código por mensaje de texto al <strong class="nowrap">{ $phone }</strong>.
mfa-verify-will-text-html = Le enviaremos un código por mensaje de texto al <strong class="nowrap">{ $phone }</strong>.
mfa-verify-use-phone-code = Prefiero usar un código de mi teléfono
mfa-verify-lost-phone = ¿Perdió su teléfono? Use un código de recuperación
mfa-verify-trouble = ¿Problemas para recibir un código?

# El mensaje de texto con el código (después se agrega la línea que permite al navegador completarlo).
mfa-text-code = Su código de verificación de { $portal } es { $code }. Vence en 10 minutos.
# La llamada que lee el código: { $digits } es el código, dígito por dígito y con pausas.
mfa-call-spoken = Esta es una llamada de { $portal }. Su código de verificación es: { $digits }. Repito: { $digits }. Adiós.
# Un dígito del código, como lo dice la voz de la llamada.
mfa-call-digit = { $digit ->
    [0] cero
    [1] uno
    [2] dos
    [3] tres
    [4] cuatro
    [5] cinco
    [6] seis
    [7] siete
    [8] ocho
    [9] nueve
   *[other] { $digit }
}

# De dónde viene la fecha límite de configuración de un usuario (consola de soporte).
mfa-deadline-source-none = ninguna (el personal configura la verificación al iniciar sesión por primera vez)
mfa-deadline-source-switch-on = fecha de activación + días de gracia
mfa-deadline-source-account-created = creación de la cuenta + días de gracia
mfa-deadline-source-support = fijada por soporte

# Los errores de la verificación, como frases que lee una persona.
mfa-error-invalid-code = El código no es correcto
mfa-error-code-replayed = Este código ya se usó; espere el siguiente en su aplicación
mfa-error-code-expired = Este código venció o fue reemplazado por uno más reciente; pida un código nuevo
mfa-error-no-code-sent = Primero pida un código de verificación
mfa-error-no-pending-setup = Vuelva a empezar la configuración: venció a los 15 minutos
mfa-error-throttled-seconds = { $seconds ->
    [one] Demasiados códigos incorrectos. Espere { $seconds } segundo y vuelva a intentarlo.
   *[other] Demasiados códigos incorrectos. Espere { $seconds } segundos y vuelva a intentarlo.
}
mfa-error-throttled-minutes = { $minutes ->
    [one] Demasiados códigos incorrectos. Espere { $minutes } minuto y vuelva a intentarlo.
   *[other] Demasiados códigos incorrectos. Espere { $minutes } minutos y vuelva a intentarlo.
}
mfa-error-locked = Demasiados códigos incorrectos: el inicio de sesión de esta cuenta está bloqueado. Comuníquese con soporte para desbloquearlo.
mfa-error-setup-expired = Ya pasó la fecha límite para configurar un método de verificación; comuníquese con soporte
mfa-error-sms-failed = No pudimos enviar el mensaje de texto; vuelva a intentarlo o use la aplicación de autenticación
mfa-error-step-up-required = Primero verifique su identidad con su método actual
# { $method }: sms, totp o passkey, con -label cuando el método se nombró por su etiqueta; si no, { $name }.
mfa-error-no-such-method = { $method ->
    [sms] Esta cuenta no tiene configurados los mensajes de texto
    [sms-label] Esta cuenta no tiene configurados los mensajes de texto
    [totp] Esta cuenta no tiene configurada una aplicación de autenticación
    [totp-label] Esta cuenta no tiene configurada una aplicación de autenticación
    [passkey] Esta cuenta no tiene ninguna llave de acceso
    [passkey-label] Esta cuenta no tiene ninguna llave de acceso
   *[other] Esta cuenta no tiene el método { $name }
}
mfa-error-wrong-step = Esto no es posible en este paso del inicio de sesión
mfa-error-last-method = Este es su único método de verificación; agregue otro antes de quitarlo
mfa-error-recovery-code-used = Este código de recuperación ya se usó; use otro
mfa-error-no-method-yet = Primero configure un método de verificación
mfa-error-passkey-not-found = No se encontró la llave de acceso
mfa-error-device-not-found = No se encontró el dispositivo recordado
mfa-error-session-not-found = No se encontró la sesión
mfa-error-not-found = No se encontró: { $thing }
mfa-error-passkeys-unavailable = Las llaves de acceso no están disponibles en este portal
mfa-error-passkey-expired = La solicitud de la llave de acceso venció o ya se usó; vuelva a empezar
mfa-error-passkey-refused = No se aceptó la llave de acceso; vuelva a intentarlo o elija otra forma de verificar su identidad
mfa-error-session-ended = Este inicio de sesión terminó (se cerró la sesión en otro lugar o lo hizo soporte); vuelva a iniciar sesión
mfa-error-busy = El portal está muy ocupado en este momento. Vuelva a intentarlo en unos instantes.
mfa-error-internal = Algo salió mal de nuestro lado. Vuelva a intentarlo en unos instantes.
mfa-error-send-cooldown = { $seconds ->
    [one] Espere { $seconds } segundo antes de pedir otro código
   *[other] Espere { $seconds } segundos antes de pedir otro código
}
mfa-error-too-many-texts-minutes = { $minutes ->
    [one] Se enviaron demasiados códigos; vuelva a intentarlo en un minuto o use la aplicación de autenticación
   *[other] Se enviaron demasiados códigos; vuelva a intentarlo en { $minutes } minutos o use la aplicación de autenticación
}
mfa-error-too-many-texts-hours = { $hours ->
    [one] Se enviaron demasiados códigos; vuelva a intentarlo en { $hours } hora o use la aplicación de autenticación
   *[other] Se enviaron demasiados códigos; vuelva a intentarlo en { $hours } horas o use la aplicación de autenticación
}
mfa-error-code-empty = Escriba el código de 6 dígitos
mfa-error-code-malformed = Un código tiene exactamente 6 dígitos (0–9)
mfa-error-recovery-empty = Escriba uno de sus códigos de recuperación
mfa-error-recovery-malformed = Un código de recuperación tiene 10 letras y dígitos, como 7k2mq-x9c4d
mfa-error-passkey-name-empty = Ponga un nombre a la llave de acceso, como "Mi teléfono"
mfa-error-passkey-name-too-long = El nombre de una llave de acceso puede tener como máximo 60 caracteres
mfa-error-passkey-name-control = El nombre de una llave de acceso no puede tener caracteres de control
