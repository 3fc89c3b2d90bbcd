# Los reclamos y el inventario de pérdidas: las páginas del reclamo, sus errores y los correos que envían.

# Estados del reclamo y del artículo como los muestran las páginas (la API y el CSV conservan draft, in_review, like_new…).
claim-status-draft = Borrador
claim-status-submitted = Enviado
claim-status-in-review = En revisión
claim-status-closed = Cerrado
# Une los estados que necesita un paso: "enviado o en revisión".
claim-status-or = o
claim-condition-new = Nuevo
claim-condition-like-new = Como nuevo
claim-condition-good = Bueno
claim-condition-fair = Regular
claim-condition-poor = Malo

# Habitaciones que sugiere el formulario del artículo (se acepta cualquier otro nombre; se guarda tal como se escribe).
claim-room-kitchen = Cocina
claim-room-living-room = Sala
claim-room-dining-room = Comedor
claim-room-bedroom = Dormitorio
claim-room-bathroom = Baño
claim-room-office = Oficina
claim-room-garage = Garaje
claim-room-basement = Sótano
claim-room-laundry = Cuarto de lavado
claim-room-outdoor = Exterior

# Qué tiene mal un campo, junto al campo en los formularios del reclamo (la API dice "campo: …" en inglés).
claim-field-required = este campo es obligatorio
claim-field-too-long = como máximo { $max } caracteres (tiene { $count })
claim-field-control-characters = no puede contener caracteres de control
claim-field-quantity-range = debe ser un número entero del 1 al { $max }
claim-field-age-years-range = debe estar entre 0 y { $max } años
claim-field-age-months-range = debe estar entre 0 y 11 meses
claim-field-condition-unknown = debe ser uno de estos valores: new, like_new, good, fair, poor
claim-field-cost-range = debe estar entre 0 y { $max } centavos ($10,000,000.00)
claim-field-whole-number = escriba un número entero
claim-field-too-many-items = un reclamo admite como máximo { $max } artículos
claim-field-loss-date-format = escriba la fecha como AAAA-MM-DD (año, mes y día)
claim-field-loss-date-future = la fecha de la pérdida no puede ser futura
claim-field-loss-date-too-old = la fecha de la pérdida es demasiado antigua
claim-field-claim-number-characters = use solo letras, dígitos, espacios y - _ / .
claim-field-claim-number-taken = ya existe un reclamo con este número
claim-field-staff-email = este correo electrónico pertenece a una cuenta del personal
claim-field-account-just-created = esta cuenta se acaba de crear; inténtelo de nuevo
claim-field-email-empty = escriba una dirección de correo electrónico
claim-field-email-too-long = una dirección de correo electrónico tiene como máximo 254 caracteres
claim-field-email-invalid = escriba una dirección de correo electrónico como nombre@ejemplo.com
claim-field-name-empty = escriba un nombre
claim-field-name-too-long = un nombre tiene como máximo 100 caracteres
claim-field-name-control-characters = un nombre no puede contener caracteres de control

# Una cantidad de dinero tal como se escribió (el costo del formulario del artículo, replacement_cost del CSV).
claim-money-empty = escriba una cantidad, por ejemplo 1234.56
claim-money-negative = no puede ser negativa
claim-money-not-an-amount = { $value } no es una cantidad; escríbala así: 1234.56 (sin $ ni comas)
claim-money-decimals = como máximo dos decimales (centavos)
claim-money-too-large = la cantidad es demasiado grande

# Por qué se rechaza una foto o un recibo (debajo del campo para subir archivos de la página del artículo).
claim-file-empty = el archivo está vacío
claim-file-too-big = un archivo puede pesar como máximo { $mib } MiB
claim-file-wrong-kind = solo se pueden adjuntar fotos JPEG y PNG y archivos PDF
claim-file-pdf-damaged = este PDF está incompleto o dañado
claim-file-image-damaged = esta imagen { $kind } está dañada o incompleta
claim-file-too-many-pixels = la foto es demasiado grande (como máximo { $megapixels } megapíxeles y { $side } píxeles por lado)
claim-file-no-thumbnail = no se pudo crear una miniatura de esta foto
claim-file-claim-full = los archivos de este reclamo pueden ocupar como máximo { $gib } GiB en total; elimine algunos para agregar más
claim-file-item-full = un artículo puede tener como máximo { $max } archivos adjuntos

# Problemas de un archivo CSV importado, cada uno con su línea y columna (los nombres de columna y los valores quedan como en el archivo).
claim-csv-unclosed-quote = un valor entre comillas nunca se cierra
claim-csv-text-after-quote = hay texto inesperado después de unas comillas de cierre
claim-csv-not-whole-number = { $value } no es un número entero
claim-csv-not-yes-no = { $value } no es un valor válido; escriba yes o no
claim-csv-empty-file = el archivo está vacío; necesita la fila de encabezado
claim-csv-wrong-column = la columna { $number } debería ser { $expected }, pero es { $found }
claim-csv-missing-column = falta la columna { $expected }
claim-csv-unknown-column = columna desconocida: { $name }
claim-csv-too-many-rows = como máximo { $max } artículos por archivo
claim-csv-value-count = se esperaban { $expected } valores, pero hay { $found }
claim-csv-not-utf8 = no es texto UTF-8 válido (guarde el archivo como UTF-8)
claim-csv-claim-full = un reclamo admite como máximo { $max } artículos; este archivo superaría ese límite
# Un problema y dónde está: "línea 3, columna quantity: …".
claim-csv-problem-at = línea { $line }, columna { $column }: { $problem }

# Por qué el inventario rechaza algo (páginas de error; la API conserva el inglés).
claim-error-not-found = no existe ese reclamo o artículo
claim-error-locked = este inventario ya se envió; no se puede modificar hasta que su ajustador lo vuelva a abrir
claim-error-import =
    { $count ->
        [one] el archivo tiene { $count } problema; no se guardó nada
       *[other] el archivo tiene { $count } problemas; no se guardó nada
    }
claim-error-rate-limited = se invitó a demasiados asegurados nuevos en esta hora; inténtelo de nuevo en { $wait }
claim-error-internal = algo salió mal de nuestra parte; inténtelo de nuevo
claim-wait-minutes =
    { $count ->
        [one] un minuto
       *[other] { $count } minutos
    }
claim-wait-hours =
    { $count ->
        [one] una hora
       *[other] { $count } horas
    }
claim-forbidden-policyholder-changes = solo el asegurado modifica el inventario
claim-forbidden-adjuster-only = solo el ajustador del reclamo puede hacer esto
claim-forbidden-adjusters-open = solo los ajustadores abren reclamos
claim-forbidden-policyholder-submits = solo el asegurado envía el inventario
# "el reclamo está en estado borrador; para esto debe estar en estado enviado o en revisión"
claim-wrong-status = el reclamo está en estado { $current }; para esto debe estar en estado { $needed }
claim-wrong-status-comment = solo se pueden comentar los artículos mientras el inventario está en revisión
claim-wrong-status-empty = agregue al menos un artículo antes de enviar

# Correos: la invitación al reclamo (al asegurado), "enviado" (al ajustador), "reabierto" (al asegurado).
claim-mail-invite-subject = Reclamo { $number }
claim-mail-invite-new-account =
    { $adjuster } abrió el reclamo { $number } a su nombre en { $portal }, donde podrá anotar lo que perdió.

    Elija su contraseña en un plazo de 7 días con este enlace (funciona una sola vez):

    { $link }

    Después, inicie sesión y abra el reclamo para preparar su inventario.
claim-mail-invite-existing-account =
    { $adjuster } abrió el reclamo { $number } a su nombre en { $portal }. Inicie sesión y ábralo aquí para preparar su inventario:

    { $link }
claim-mail-submitted-subject = Se envió el inventario del reclamo { $number }
claim-mail-submitted =
    { $policyholder } envió el inventario del reclamo { $number } ({ $count ->
        [one] { $count } artículo
       *[other] { $count } artículos
    }, { $total }). Ábralo para revisarlo:

    { $link }
claim-mail-reopened-subject = Se reabrió el reclamo { $number }
claim-mail-reopened =
    { $adjuster } volvió a abrir el inventario del reclamo { $number } para que usted pueda modificarlo. Mensaje del ajustador:

    { $message }

    Abra el reclamo: { $link }

# La lista de reclamos.
claim-list-title = Reclamos
claim-list-your-title = Sus reclamos
claim-list-open = Abrir un reclamo
claim-list-filter-label = Filtrar por estado
claim-list-all = Todos
claim-list-none-with-status = No hay reclamos con este estado.
claim-list-none = Todavía no hay reclamos.
claim-list-none-hint = Su ajustador abre el reclamo y le envía una invitación.
claim-col-claim = Reclamo
claim-col-status = Estado
claim-col-loss-date = Fecha de la pérdida
claim-col-policyholder = Asegurado
claim-col-items = Artículos
claim-col-total = Total

# Abrir un reclamo (ajustadores).
claim-back-to-claims = ← Reclamos
claim-new-title = Abrir un reclamo
claim-new-opened = El reclamo { $number } está abierto
claim-new-invited-new-account = Se creó la cuenta del asegurado y se le envió una invitación por correo electrónico. Si el asegurado no la encuentra, léale este enlace de un solo uso (válido por 7 días) para que elija su contraseña:
claim-new-invited-existing-account = El asegurado ya tiene una cuenta; se le envió por correo electrónico un enlace al reclamo:
claim-new-go = Ir al reclamo
claim-new-number = Número de reclamo
claim-new-loss-date = Fecha de la pérdida
claim-new-loss-address = Dirección de la pérdida
claim-new-name = Nombre del asegurado
claim-new-email = Correo electrónico del asegurado
claim-new-submit = Abrir el reclamo e invitar

# La página de un reclamo: sus datos, las acciones, los artículos por habitación, el formulario para agregar y el historial.
claim-title = Reclamo { $number }
claim-back-to-claim = ← Reclamo { $number }
claim-fact-loss-date = Fecha de la pérdida
claim-fact-address = Dirección
claim-fact-policyholder = Asegurado
claim-fact-adjuster = Ajustador
claim-fact-total = Total
claim-item-count =
    { $count ->
        [one] { $count } artículo
       *[other] { $count } artículos
    }
claim-read-only = Este inventario se envió y no se puede modificar hasta que su ajustador lo vuelva a abrir.
claim-download-csv = Descargar CSV
claim-submit = Enviar el inventario para revisión
claim-start-review = Comenzar la revisión
claim-close = Cerrar el reclamo
claim-reopen-label = Reabrir para el asegurado: el mensaje que le enviará
claim-reopen = Reabrir el inventario
claim-inventory-heading = Inventario
claim-no-items = Todavía no hay artículos.
claim-room-items-label = Artículos en { $room }
claim-col-item = Artículo
claim-col-quantity = Cant.
claim-col-each = C/u
claim-col-condition = Estado
claim-col-actions = Acciones
claim-business-use-tag = Uso comercial
claim-adjuster-comment = Ajustador:
claim-attachments-of = Fotos y recibos de { $description }
claim-item-edit = Editar
claim-item-photos = Fotos
# Lo leen los lectores de pantalla después de "Fotos": "Fotos de Tostadora".
claim-item-photos-of = de { $description }
claim-item-delete = Eliminar
claim-comment-label = Comentario sobre { $description }
claim-comment-save = Guardar comentario
claim-total-for-claim = Total del reclamo:
claim-add-heading = Agregar un artículo
claim-import-hint = ¿Ya tiene una lista?
claim-import-hint-link = Importe artículos desde una hoja de cálculo (CSV)
claim-add-item = Agregar artículo
claim-history-heading = Historial
# Una línea del historial: "Borrador → Enviado por ann@example.com".
claim-history-change = { $change } por { $actor }
claim-history-opened = Abierto como { $status }
# Cuándo se hizo un cambio: "2 de marzo de 2026, 09:05 EST".
claim-history-when = { $date }, { $time }
# La antigüedad de un artículo, abreviada.
claim-age-years =
    { $years ->
        [one] { $years } año
       *[other] { $years } años
    }
claim-age-months =
    { $months ->
        [one] { $months } mes
       *[other] { $months } meses
    }
claim-age-years-months =
    { $years ->
        [one] { $years } año
       *[other] { $years } años
    } y { $months ->
        [one] { $months } mes
       *[other] { $months } meses
    }
# Qué es un archivo adjunto, junto a su tamaño.
claim-kind-jpeg = Foto JPEG
claim-kind-png = Imagen PNG
claim-kind-pdf = PDF

# El aviso arriba de la página del reclamo o del artículo después de una acción.
claim-done-added = Se agregó el artículo.
claim-done-saved = Se guardó el artículo.
claim-done-deleted = Se eliminó el artículo.
claim-done-submitted = El inventario se envió a su ajustador. No se puede modificar hasta que lo vuelva a abrir.
claim-done-review = Comenzó la revisión.
claim-done-closed = Se cerró el reclamo.
claim-done-reopened = Se reabrió el inventario; el asegurado puede volver a modificarlo.
claim-done-commented = Se guardó el comentario.
claim-done-imported = Se agregaron los artículos de su archivo.
claim-done-attached = Se adjuntó el archivo.
claim-done-removed = Se quitó el archivo adjunto.

# Los campos del artículo (el formulario para agregar de la página del reclamo y la página para editar).
claim-form-description = Descripción
claim-form-room = Habitación
claim-form-category = Categoría
claim-form-optional = (opcional)
claim-form-brand = Marca
claim-form-model = Modelo
claim-form-quantity = Cantidad
claim-form-cost = Costo de reemplazo por unidad ($)
claim-form-age-years = Antigüedad: años
claim-form-age-months = Antigüedad: meses
claim-form-condition = Estado
claim-form-business-use = Se usa para negocios
claim-form-notes = Notas

# La página del artículo: editarlo, sus fotos y recibos.
claim-edit-item = Editar artículo
claim-save-item = Guardar artículo
claim-attachments-heading = Fotos y recibos
claim-no-attachments = Todavía no hay fotos ni recibos.
claim-remove = Quitar
claim-attach-label = Agregue una foto (JPEG o PNG) o un recibo (PDF), de { $mib } MiB como máximo
claim-attach = Adjuntar archivo
claim-attachments-full = Este artículo tiene { $max } archivos adjuntos, el máximo permitido. Quite uno para agregar otro.
claim-attach-choose = Elija una foto o un PDF para adjuntar.
# Un formulario con archivo que el portal no puede leer (no se envió desde su página).
claim-form-not-understood-title = No se entendió el formulario
claim-form-not-understood = Envíe el formulario desde la página del portal.

# Importar artículos desde un archivo CSV: primero se revisa y después se importa.
claim-import-items = Importar artículos
claim-import-heading = Importar artículos desde una hoja de cálculo
claim-import-problems-label = Problemas en el archivo
claim-import-problems-caption = Problemas en { $file }
claim-col-line = Línea
claim-col-column = Columna
claim-col-problem = Problema
claim-col-room = Habitación
claim-import-ready =
    { $count ->
        [one] { $file } está listo: { $count } artículo, { $total } en total. No se guarda nada hasta que importe.
       *[other] { $file } está listo: { $count } artículos, { $total } en total. No se guarda nada hasta que importe.
    }
claim-import-confirm =
    { $count ->
        [one] Importar { $count } artículo
       *[other] Importar { $count } artículos
    }
claim-import-another = Elegir otro archivo
claim-import-preview-label = Artículos del archivo
claim-import-preview-caption = Artículos de { $file }
claim-import-explain = Guarde su hoja de cálculo como CSV (delimitado por comas, UTF-8) con esta primera fila y revise el archivo aquí. Verá cada artículo —o cada problema, por línea y columna— antes de que se guarde nada, y un archivo con algún problema no guarda nada.
# { $id } es el identificador del reclamo en el enlace a su descarga en CSV.
claim-import-format-html = Los montos se escriben con punto decimal, como <code>1299.99</code>. En la columna condition escriba new, like new, good, fair o poor (nuevo, como nuevo, bueno, regular o malo), y en business_use, yes o no (sí o no). Lo más fácil es empezar con la <a href="/claims/{ $id }/export.csv">descarga en CSV</a> de su propio inventario.
claim-import-file-label = Archivo CSV (de { $mib } MiB como máximo)
claim-import-check = Revisar el archivo
claim-import-too-large = El archivo pesa más de { $mib } MiB.
claim-import-choose = Elija un archivo CSV para revisar.
claim-import-has-problems =
    { $count ->
        [one] El archivo tiene { $count } problema; no se guardó nada. Corríjalo y vuelva a revisar el archivo.
       *[other] El archivo tiene { $count } problemas; no se guardó nada. Corríjalos y vuelva a revisar el archivo.
    }
