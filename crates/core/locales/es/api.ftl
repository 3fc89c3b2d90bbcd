# Los mensajes de error de la API JSON (`{"error": {"code", "message"}}`). El código es lo estable;
# el mensaje es para quien lo lee (el script de las páginas muestra algunos).

api-cross-site = no se aceptan solicitudes desde otros sitios
api-not-signed-in = inicie sesión primero
api-too-many-attempts = demasiados intentos; espere e inténtelo de nuevo
api-internal = algo salió mal de nuestro lado; inténtelo de nuevo
api-busy = el portal está ocupado; inténtelo de nuevo en un momento
api-no-such-endpoint = esta dirección de la API no existe
api-device-not-found = no se encontró el dispositivo recordado
api-session-not-found = no se encontró la sesión
api-setup-expired = la fecha límite para configurar un método de verificación era el { $deadline }; comuníquese con soporte para continuar
api-send-json = envíe el cuerpo como JSON con Content-Type: application/json
api-body-not-utf8 = el cuerpo no es UTF-8 válido
# { $reason } es la explicación técnica del propio lector de JSON.
api-body-not-json = el cuerpo no es JSON válido: { $reason }
api-body-not-object = el cuerpo debe ser un objeto JSON
api-query-invalid = la cadena de consulta no es válida: { $reason }
api-body-too-large = el cuerpo pesa más de { $bytes } bytes
api-field-required = { $field }: es obligatorio
api-field-unknown = { $field }: no es un campo conocido
# { $reason } es la explicación técnica del propio lector de JSON (por ejemplo "invalid type: integer, expected a string").
api-field-invalid = { $field }: { $reason }
api-invalid-credentials = el correo electrónico o la contraseña no son correctos
api-invalid-link = este enlace para restablecer la contraseña no es válido, ya se usó o venció; pida uno nuevo
api-language-invalid = language: debe ser "en" o "es"
api-claim-status-invalid = status: uno de draft, submitted, in_review, closed
api-send-csv = envíe el archivo con Content-Type: text/csv
api-file-too-large = el archivo pesa más de { $bytes } bytes
api-send-attachment = envíe el archivo como cuerpo con Content-Type image/jpeg, image/png o application/pdf
api-attachment-too-large = un archivo puede pesar como máximo { $mib } MiB
api-verify-method-invalid = method debe ser "totp", "sms" o "recovery"
api-method-invalid = method debe ser "totp" o "sms"
api-credential-invalid = credential debe ser el PublicKeyCredential del navegador como objeto JSON
api-search-too-long = q: como máximo 200 caracteres
api-days-required = days: obligatorio, de 1 a 90
api-no-such-action = esta acción no existe
api-admins-only = solo los administradores crean cuentas de personal
api-duplicate-account = ya existe una cuenta con este correo electrónico
api-staff-role-invalid = role: elija adjuster, support o admin
