# La cuenta del propio usuario: la página de inicio, la página de seguridad del inicio de sesión y
# las páginas de códigos de recuperación.

# Las funciones tal como las nombran todas las páginas (`Role::label_in`; los métodos están en mfa.ftl).
account-role-policyholder = Asegurado
account-role-adjuster = Ajustador
account-role-support = Agente de soporte
account-role-admin = Administrador
account-create-my-recovery-codes = Crear mis códigos de recuperación

# La página de inicio (/), con la sesión iniciada.
home-title = Su cuenta
home-welcome = Le damos la bienvenida, { $name }
home-signed-in-as-html = Inició sesión como <strong>{ $email }</strong> ({ $role }).
home-your-claims = Sus reclamos
home-security-heading = Seguridad del inicio de sesión
home-no-method = Todavía no tiene ningún método de verificación. Agregue uno para que la contraseña por sí sola nunca baste para entrar en su cuenta.
home-asks-for-code = Después de su contraseña, el portal le pide un código de:
home-sms-to = al { $phone }
home-passkeys = { $count ->
        [one] 1 llave de acceso
       *[other] { $count } llaves de acceso
    }
home-remove = Quitar
home-method-removed = Se quitó el método.
home-recovery-heading = Guarde códigos de recuperación
home-recovery-offer = Si pierde su teléfono, un código de recuperación le permite iniciar sesión en lugar de un código de verificación. Cree ahora un juego de 10 códigos y guárdelos en un lugar seguro.
home-add-sms = Agregar mensajes de texto (SMS)
home-add-app = Agregar una aplicación de autenticación
home-security-link = Seguridad del inicio de sesión: dispositivos, sesiones, códigos de recuperación

# La página de seguridad del inicio de sesión (/account/security).
security-title = Seguridad del inicio de sesión
security-step-up-hint = Para cambiar cualquier cosa en esta página, primero se le pedirá un código de verificación.
security-methods-heading = Métodos de verificación
security-no-method = Todavía no tiene ningún método de verificación.
security-add-sms = Agregar mensajes de texto (SMS)
security-add-totp = Agregar una aplicación de autenticación
security-remove-sms = Quitar los mensajes de texto (SMS)
security-remove-totp = Quitar la aplicación de autenticación
security-remove-passkey-method = Quitar la llave de acceso
security-passkeys-heading = Llaves de acceso
security-no-passkey = Todavía no tiene ninguna llave de acceso. Una llave de acceso le permite iniciar sesión con el bloqueo de pantalla, la huella digital o el rostro en este dispositivo, con o sin su contraseña.
security-passkey-dates = agregada el { $added }, último uso: { $used }
security-never = nunca
security-passkey-new-name = Nuevo nombre para { $name }
security-rename = Cambiar nombre
security-remove-passkey = Quitar { $name }
security-add-passkey = Agregar una llave de acceso
security-recovery-heading = Códigos de recuperación
security-recovery-intro = Si no puede recibir un código (por ejemplo, porque perdió su teléfono), uno de sus códigos de recuperación le permite entrar una vez.
security-recovery-left-html = { $count ->
        [one] Tiene <strong>1</strong> código sin usar.
       *[other] Tiene <strong>{ $count }</strong> códigos sin usar.
    }
security-create-codes = Crear códigos de recuperación
security-replace-codes = Crear códigos nuevos (los anteriores dejarán de funcionar)
security-devices-heading = Dispositivos recordados
security-no-devices = Ningún dispositivo está exento del código de verificación.
security-devices-intro = A estos dispositivos no se les pide un código al iniciar sesión (solo su contraseña) hasta la fecha indicada.
security-col-device = Dispositivo
security-col-remembered = Recordado desde
security-col-last-used = Último uso
security-col-until = Hasta
security-col-action = Acción
security-col-address = Dirección IP
security-col-signed-in = Inicio de sesión
security-col-last-seen = Última actividad
security-col-when = Cuándo
security-col-step = Paso
security-col-result = Resultado
security-forget = Olvidar
security-forget-all = Olvidar todos los dispositivos
security-sessions-heading = Dónde tiene la sesión iniciada
security-sessions-label = Sesiones abiertas
security-this-device = (este dispositivo)
security-end-session = Cerrar sesión
security-end-others = Cerrar sesión en todos los demás dispositivos
security-events-heading = Actividad reciente de inicio de sesión
security-no-events = Todavía no hay nada.
security-unrecognised = ¿Ve algo que no reconoce? Cambie su contraseña ("¿Olvidó su contraseña?" en la página de inicio de sesión) y comuníquese con soporte.
security-unknown-device = Dispositivo desconocido
# Después de un cambio (?done=…).
security-done-forgotten = Listo: a esos dispositivos se les pedirá un código la próxima vez que inicien sesión.
security-done-ended = Listo: se cerró la sesión en esos dispositivos.
security-done-renamed = Se cambió el nombre de la llave de acceso.
security-done-removed = Se quitó la llave de acceso: ya no permite iniciar sesión.
security-done-recovery = Inició sesión con un código de recuperación. Si perdió su teléfono, agregue un método de verificación nuevo.
# Títulos de la página de error cuando se rechaza un cambio.
security-not-possible = No es posible
security-form-not-understood = No se entendió el formulario
security-name-not-changed = No se cambió el nombre
# La tabla "Actividad reciente de inicio de sesión": cada paso, el método de un código y cómo terminó.
security-event-password = Contraseña
security-event-remembered-device = Dispositivo recordado (sin pedir código)
security-event-passkey-sign-in = Llave de acceso, sin contraseña
security-event-passkey-added = Llave de acceso agregada
security-event-passkey-cloned = Rechazado: el contador de una llave de acceso retrocedió (¿una llave de acceso copiada?)
security-event-setup-expired = Rechazado: ya pasó la fecha límite de configuración
security-event-code = Código ({ $method })
security-event-totp-set-up = Aplicación de autenticación configurada
security-event-sms-set-up = Mensajes de texto configurados
security-event-throttled = Rechazado: demasiados códigos incorrectos
security-event-signed-out = Cerró sesión
security-event-method-totp = aplicación de autenticación
security-event-method-sms = mensaje de texto
security-event-method-recovery = código de recuperación
security-event-method-passkey = llave de acceso
security-outcome-succeeded = Correcto
security-outcome-failed = Fallido
security-outcome-refused = Rechazado

# Las páginas de códigos de recuperación (/account/recovery-codes) y el archivo descargado.
recovery-codes-title = Códigos de recuperación
recovery-codes-intro = Si alguna vez no puede recibir un código (porque perdió su teléfono, se le dañó o no lo tiene a mano), un código de recuperación le permite iniciar sesión. Recibe 10 y cada uno funciona una sola vez. Imprímalos o anótelos, y guárdelos lejos de su teléfono.
recovery-codes-left = { $count ->
        [one] Tiene 1 código sin usar. Los códigos nuevos lo reemplazan: el anterior dejará de funcionar.
       *[other] Tiene { $count } códigos sin usar. Los códigos nuevos los reemplazan: los anteriores dejarán de funcionar.
    }
recovery-codes-create-new = Crear códigos de recuperación nuevos
recovery-codes-back = Volver a la seguridad del inicio de sesión
recovery-codes-save-now = Guarde estos códigos ahora: es la única vez que se muestran.
recovery-codes-list-label = Sus códigos de recuperación
recovery-codes-typing-hint = Escriba el código con o sin el guion; cada uno funciona una sola vez.
recovery-codes-download = Descargar como archivo de texto
recovery-codes-saved = Ya los guardé
recovery-codes-none-to-download = No hay códigos para descargar.
recovery-codes-file-title = Códigos de recuperación de { $portal }
recovery-codes-file-each-once = Cada código funciona una sola vez, en lugar de un código de verificación, si no puede recibir uno.
recovery-codes-file-keep-safe = Guárdelos en un lugar seguro, lejos de su teléfono.
