# Números de teléfono: los errores del número que escribe una persona y los países de la lista.

sms-error-unknown-country = Elija un país
sms-error-country-not-allowed = No se pueden enviar mensajes de texto a este país; use mejor la aplicación de autenticación
sms-error-empty = Escriba su número de teléfono con el código de área
sms-error-invalid = Escriba un número de teléfono válido para el país que eligió, con el código de área

# Nombres de países (la lista de países del número de teléfono, la página de ayuda).
sms-country-us = Estados Unidos
sms-country-ca = Canadá
sms-country-au = Australia
sms-country-de = Alemania
sms-country-es = España
sms-country-fr = Francia
sms-country-gb = Reino Unido
sms-country-ie = Irlanda
sms-country-in = India
sms-country-it = Italia
sms-country-mx = México
sms-country-nl = Países Bajos
sms-country-nz = Nueva Zelanda
sms-country-pr = Puerto Rico
