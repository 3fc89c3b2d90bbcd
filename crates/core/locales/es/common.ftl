# Palabras que comparten todas las páginas, correos y mensajes: la plantilla, el selector de idioma, las fechas.

month-1 = enero
month-2 = febrero
month-3 = marzo
month-4 = abril
month-5 = mayo
month-6 = junio
month-7 = julio
month-8 = agosto
month-9 = septiembre
month-10 = octubre
month-11 = noviembre
month-12 = diciembre
# "4 de marzo de 2026"
long-date = { $day } de { $month } de { $year }

layout-skip-link = Ir al contenido principal
layout-support-console = Consola de soporte
layout-sign-out = Cerrar sesión
layout-help = Ayuda para iniciar sesión
layout-support = Soporte:
language-picker-label = Idioma
language-picker-submit = Cambiar idioma

error-go-to-portal = Ir al portal
language-unknown = Elija uno de los idiomas disponibles: { $choices }.

# La página que se muestra en lugar de iniciar sesión cuando ya venció el plazo de configuración.
expired-title = Comuníquese con soporte para iniciar sesión
expired-deadline-html = El plazo para configurar un método de verificación en su cuenta venció el <strong>{ $deadline }</strong>. Por su seguridad, el portal no puede dejarle entrar hasta que soporte le haya ayudado.
expired-how-to-reach = Cómo comunicarse con soporte
expired-email = Correo electrónico:
expired-chat = Chatear con soporte
expired-more-time = Soporte puede darle más tiempo; después podrá iniciar sesión y configurar los mensajes de texto o una aplicación de autenticación.
expired-back = Volver a iniciar sesión

# Frases del script de la página (botones de copiar, tamaño de archivo, llaves de acceso). El script completa { "{mib}" }.
script-copied = Copiado.
script-copy-failed = No se pudo copiar aquí; seleccione el texto y cópielo.
script-file-too-big = Este archivo pesa más de {"{"}mib{"}"} MiB; elija uno más pequeño.
script-passkey-failed = No se pudo usar la llave de acceso.
script-passkey-cancelled = No se usó la llave de acceso (se canceló o se agotó el tiempo). Inténtelo de nuevo o elija otra forma.
