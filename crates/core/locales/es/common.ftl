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

# La primera línea de todo correo de aviso (OutgoingEmail::greeted).
email-greeting = Hola, { $name }:

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
expired-deadline-html = La fecha límite para configurar un método de verificación en su cuenta era el <strong>{ $deadline }</strong>. Por su seguridad, el portal no puede dejarle entrar hasta que soporte le haya ayudado.
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

# Páginas de error en las que puede terminar cualquier página.
error-something-wrong-title = Algo salió mal
error-something-wrong = Algo salió mal de nuestro lado. Inténtelo de nuevo en un momento.
error-busy-title = Portal ocupado
error-busy = El portal está muy ocupado en este momento. Inténtelo de nuevo en un momento.
error-not-found-title = Página no encontrada
error-not-found = No hay ninguna página en esta dirección.
error-form-title = No se entendió el formulario
error-form-from-page = Envíe el formulario desde la página del portal.
error-form-too-much-title = Demasiados datos
error-form-too-much = El formulario envió más datos de los que el portal acepta.
error-form-not-utf8 = El formulario contenía texto que no es UTF-8 válido.
# { $reason } es el motivo técnico, tal como lo da el lector de formularios.
error-form-unreadable = No se pudo leer el formulario: { $reason }.
error-refused-title = Solicitud rechazada
error-page-expired = Esta página había caducado. Vuelva atrás, recárguela e inténtelo de nuevo.
error-cross-site = Este formulario se envió desde otro sitio web, así que el portal no hizo nada con él. Abra el portal directamente e inténtelo de nuevo.
error-console-only-title = No disponible
error-console-only = La consola de soporte es solo para agentes de soporte y administradores.
error-claim-not-found-title = Reclamo no encontrado
error-claim-not-found = No hay ningún reclamo en esta dirección, o no es suyo.
error-not-allowed-title = No permitido
error-not-possible-now-title = No es posible por ahora
error-check-form-title = Revise el formulario
error-file-problems-title = El archivo tiene problemas
error-please-wait-title = Espere un momento
error-not-possible-title = No es posible
language-unknown-title = Elija un idioma
