# La consola de soporte: sus páginas, sus errores, la gráfica de inscripción y los correos que envía.

# ConsoleError y StaffError: en minúscula como su Display (las páginas ponen la mayúscula).
console-error-not-staff = la consola de soporte es solo para agentes de soporte y administradores
console-error-not-found = no hay ningún usuario con este identificador
console-error-own-account = nadie puede actuar sobre su propia cuenta desde la consola
console-error-not-permitted = los agentes de soporte solo actúan sobre cuentas de asegurados; pídaselo a un administrador
console-error-step-up =
    primero verifique su identidad con su segundo factor (las acciones de la consola lo piden { $minutes ->
        [one] cada minuto
       *[other] cada { $minutes } minutos
    })
console-error-rate-limited = demasiadas acciones en la consola en esta hora; inténtelo más tarde
console-error-changed = esta cuenta cambió desde que abrió la página; revísela e inténtelo de nuevo
console-error-invalid-days = los días deben estar entre 1 y { $max }
console-error-invalid-reason = indique un motivo (como máximo { $max } caracteres)
console-error-staff-no-deadline = el personal no tiene fecha límite de configuración: configura la MFA la primera vez que inicia sesión
console-error-internal = algo salió mal de nuestro lado; inténtelo de nuevo en un momento
console-error-admin-only = solo los administradores crean cuentas del personal
console-error-not-a-staff-role = elija ajustador, agente de soporte o administrador
console-error-duplicate = ya existe una cuenta con este correo electrónico

# El correo que recibe un nuevo miembro del personal. $role es adjuster, support o admin.
console-staff-email-subject = Su cuenta del personal
console-staff-email-text =
    { $actor } creó para usted una cuenta de { $role ->
        [adjuster] ajustador
        [support] agente de soporte
       *[admin] administrador
    } en { $portal }.

    Elija su contraseña en los próximos 7 días con este enlace (funciona una sola vez):

    { $link }

    La primera vez que inicie sesión configurará un método de verificación (aplicación de autenticación o mensaje de texto); el personal siempre necesita uno.

# El estado de los códigos incorrectos del segundo factor, en la página de un usuario.
console-throttle-none = ningún código incorrecto reciente
console-throttle-failures =
    { $count ->
        [one] { $count } código incorrecto seguido
       *[other] { $count } códigos incorrectos seguidos
    }
console-throttle-paused =
    en pausa { $seconds ->
        [one] { $seconds } segundo más
       *[other] { $seconds } segundos más
    } tras { $count } códigos incorrectos
console-throttle-locked = bloqueado tras 100 códigos incorrectos

# El menú de la consola, en todas sus páginas.
console-nav-users = Usuarios
console-nav-report = Informe de inscripción
console-nav-audit = Registro de auditoría
console-nav-staff = Nueva cuenta del personal

# Roles, estados y métodos como los nombra la consola.
console-state-enrolled = Inscrito ({ $methods })
console-state-method-app = aplicación
console-state-method-sms = SMS
console-state-method-passkey = llave de acceso
console-state-pending-days =
    Configuración pendiente, { $days ->
        [one] queda { $days } día
       *[other] quedan { $days } días
    }
console-state-pending-next-sign-in = Configuración pendiente (al próximo inicio de sesión)
console-state-expired = Fecha límite vencida
console-state-locked = Bloqueado
console-never = nunca
console-none = ninguno
console-demo = Demo

# La lista de usuarios y la búsqueda.
console-users-title = Usuarios
console-users-search-label = Buscar por correo electrónico o nombre
console-users-search = Buscar
console-users-found =
    { $count ->
        [one] { $count } usuario
       *[other] { $count } usuarios
    }.
console-users-found-matching =
    { $count ->
        [one] { $count } usuario coincide
       *[other] { $count } usuarios coinciden
    } con “{ $query }”.
console-users-col-user = Usuario
console-users-col-role = Rol
console-users-col-mfa = MFA
console-users-col-last-sign-in = Último inicio de sesión
console-users-demo-hint = Creada para una prueba local; se elimina con inventory-portal user remove-demo
console-users-pages = Páginas
console-users-previous = ← Anterior
console-users-page-of = Página { $page } de { $pages }
console-users-next = Siguiente →

# La página de un usuario.
console-user-demo-note-html = Una cuenta de demostración, creada para una prueba local. <code>inventory-portal user remove-demo</code> elimina todas las cuentas de demostración y sus reclamos.
console-user-mfa-state = Estado de la MFA
console-user-methods = Métodos
console-user-recovery-codes = Códigos de recuperación restantes
console-user-devices = Dispositivos recordados
console-user-deadline = Fecha límite de configuración
console-user-wrong-codes = Códigos incorrectos
console-user-created = Cuenta creada
console-user-last-sign-in = Último inicio de sesión
console-user-actions = Acciones
console-user-sessions = Sesiones abiertas ({ $count })
console-user-sessions-label = Sesiones abiertas
console-user-no-sessions = Ninguna.
console-user-col-started = Inicio
console-user-col-last-seen = Última actividad
console-user-col-level = Nivel
console-user-col-address = Dirección IP
console-user-col-browser = Navegador
console-user-level-full = sesión iniciada
console-user-level-password = solo contraseña
console-user-events = Eventos recientes
console-user-col-when = Cuándo
console-user-col-action = Acción
console-user-col-outcome = Resultado
console-user-col-by = Por
console-user-all-events = Todos los eventos de este usuario
console-user-method-text = Mensaje de texto al { $phone }
console-user-device = { $device }, hasta { $until }
console-user-unknown-device = dispositivo desconocido
console-user-done-extend = Se extendió la fecha límite y se le avisó al usuario por correo electrónico.
console-user-done-reset = Se restableció la MFA: se quitaron todos los métodos, se cerraron todas las sesiones y se le avisó al usuario por correo electrónico.
console-user-done-unlock = Se desbloqueó la cuenta.
console-user-done-end-sessions = Se cerraron todas las sesiones de este usuario.

# Las acciones, en la página de un usuario y en la página que confirma cada una.
console-action-extend-button = Extender la fecha límite
console-action-reset-button = Restablecer la MFA
console-action-unlock-button = Desbloquear
console-action-end-sessions-button = Cerrar las sesiones
console-action-extend-title = Extender la fecha límite de configuración
console-action-extend-explanation = { $email } tendrá el número de días que elija, contados desde hoy (hora de { $zone }), para configurar un método de verificación, y se le avisará por correo electrónico. Su fecha límite actual es { $deadline }.
console-action-reset-title = Restablecer la MFA
console-action-reset-explanation = Se quitan todos los métodos de verificación de { $email } y se cierran todas sus sesiones. Al próximo inicio de sesión deberá configurar un método nuevo en un plazo de { $days } días. Se le avisa por correo electrónico. Use esta acción cuando se pierda o se reemplace un teléfono.
console-action-unlock-title = Desbloquear el inicio de sesión
console-action-unlock-explanation = Se borran el conteo de códigos incorrectos de { $email }, cualquier pausa y el bloqueo por 100 fallos, para que pueda volver a intentar con sus códigos.
console-action-end-sessions-title = Cerrar todas las sesiones
console-action-end-sessions-explanation = Todos los navegadores y dispositivos con sesión iniciada como { $email } cierran sesión de inmediato.
console-action-what-happens = Qué va a pasar:
console-action-days = Días a partir de hoy (1–90)
console-action-days-invalid = Escriba un número entero de días del 1 al 90
console-action-reason = Motivo
console-action-reason-hint = Se guarda en el registro de auditoría; por ejemplo, “llamó; se verificó su identidad por teléfono”.
console-action-cancel = Cancelar

# El informe de inscripción y su gráfica.
console-report-title = Informe de inscripción
console-report-heading = Informe de inscripción en la MFA
console-report-lede = Solo asegurados, al { $date }.
console-report-download = Descargar CSV
console-report-counts-label = Cifras de inscripción
console-report-policyholders = Asegurados
console-report-enrolled = Inscritos
console-report-with-app = — con una aplicación de autenticación
console-report-with-sms = — con mensajes de texto
console-report-with-both = — con ambos
console-report-with-passkey = — con una llave de acceso
console-report-pending = Configuración pendiente
console-report-pending-7 = — quedan 7 días o menos
console-report-pending-30 = — quedan de 8 a 30 días
console-report-pending-more = — quedan más de 30 días
console-report-expired = Fecha límite vencida
console-report-locked = Bloqueados
console-report-past-heading = Fecha límite vencida ({ $count })
console-report-nobody = Nadie.
console-report-col-user = Usuario
console-report-col-deadline = Fecha límite
console-report-error-title = Algo salió mal
console-report-csv-failed = No se pudo generar el informe.
console-chart-csv-failed = No se pudieron generar las cifras de la gráfica.
console-chart-heading = Inscripción del { $first } al { $last }
console-chart-past = El portal no registra cuándo se inscribió cada persona, así que el pasado aplica los datos de hoy a los días anteriores: cada día incluye a los asegurados cuya cuenta ya existía, como inscritos si hoy están inscritos, y con la fecha límite vencida si su fecha límite, tal como está hoy, ya había llegado y todavía no tienen método. Por eso, en los días anteriores la cifra de inscritos sale alta y la de configuración pendiente, baja; y una extensión concedida después también cuenta en los días previos.
console-chart-future = Después de hoy (líneas discontinuas) las cifras son una proyección: no hay cuentas nuevas, y los asegurados pendientes pasan su fecha límite a menos que se inscriban antes al ritmo medido, { $enrollments } en los últimos { $days } días (los asegurados creados en esos días que hoy están inscritos; las inscripciones de cuentas más antiguas no tienen fecha, así que el ritmo es un mínimo y los bloqueos proyectados tienden a ser altos), empezando por la fecha límite más cercana. Marcadas: cada fecha límite de configuración de alguien sin método. Las cuentas bloqueadas ({ $locked }) no están en ninguna línea.
console-chart-download = Descargar todos los días en CSV
console-chart-caption = Verde: inscritos. Azul: configuración pendiente. Rojo anaranjado: fecha límite vencida. Líneas continuas hasta hoy y discontinuas después. Triángulos grises y líneas punteadas: fechas límite de configuración.
console-chart-not-drawn = No se pudo dibujar la gráfica; la tabla tiene sus cifras.
console-chart-table-label = Inscripción por día
console-chart-table-caption = Asegurados por día: cada siete días a partir de hoy, el primer y el último día, y cada día con fecha límite (el CSV tiene todos los días)
console-chart-col-date = Fecha
console-chart-col-note = Nota
console-chart-projected = proyectado
console-chart-known = según los datos de hoy
console-chart-deadline-note = ; fecha límite de { $count } sin método
console-chart-description = Asegurados inscritos, con configuración pendiente y con la fecha límite vencida, cada día del { $first } al { $last }; con líneas discontinuas después de hoy, donde las cifras son una proyección. La tabla de abajo tiene las mismas cifras.
# Dentro del dibujo de la gráfica: el eje, la leyenda, la línea de hoy, el marcador de cada fecha límite.
console-chart-axis = Asegurados
console-chart-today = hoy
console-chart-marker =
    Fecha límite de configuración { $date }: { $count ->
        [one] { $count } asegurado
       *[other] { $count } asegurados
    } sin método
# Una fecha bajo el eje de la gráfica: "2 mar".
console-chart-day =
    { $day } { $month ->
        [1] ene
        [2] feb
        [3] mar
        [4] abr
        [5] may
        [6] jun
        [7] jul
        [8] ago
        [9] sept
        [10] oct
        [11] nov
       *[12] dic
    }

# La página del registro de auditoría.
console-audit-title = Registro de auditoría
console-audit-user = Usuario (correo electrónico o identificador)
console-audit-actor = Actor
console-audit-action = Acción
console-audit-action-example = p. ej., support.mfa.reset
console-audit-outcome = Resultado
console-audit-any = cualquiera
console-audit-from = Desde (fecha)
console-audit-until = Hasta (fecha, inclusive)
console-audit-filter = Filtrar
console-audit-export-csv = Exportar CSV
console-audit-export-jsonl = Exportar líneas JSON
console-audit-events-label = Eventos de auditoría
console-audit-col-subject = Usuario afectado
console-audit-col-details = Detalles
console-audit-limits = Los más recientes primero, como máximo { $limit } filas; las exportaciones llegan hasta 10 000.
console-audit-filter-not-understood = No se entendió el filtro
console-audit-export-failed = No se pudo generar la exportación.
# Un resultado de auditoría como lo muestra la consola (el registro y sus exportaciones guardan success, failure, refused).
console-outcome-success = éxito
console-outcome-failure = fallo
console-outcome-refused = rechazado
# Un filtro que el registro de auditoría no puede usar: el campo y qué hacer.
console-audit-bad-date =
    { $field ->
        [from] desde
       *[until] hasta
    }: use una fecha como 2026-03-01
console-audit-bad-user = usuario: indique un correo electrónico o un identificador de usuario
console-audit-no-such-user = usuario: no hay ninguna cuenta con el correo { $email }
console-audit-bad-outcome = resultado: elija éxito, fallo o rechazado

# La página donde un administrador crea una cuenta del personal.
console-staff-title = Nueva cuenta del personal
console-staff-lede = El nuevo colega recibe un correo electrónico con un enlace (válido por 7 días) para elegir una contraseña, y configura un método de verificación la primera vez que inicia sesión.
console-staff-email = Correo electrónico
console-staff-name = Nombre
console-staff-role = Rol
console-staff-create = Crear la cuenta
console-staff-not-available = No disponible
console-staff-admins-only = Solo los administradores crean cuentas del personal.
console-staff-created = Se creó { $email } ({ $role }); se envió por correo electrónico un enlace para elegir una contraseña.
# Un campo del formulario del personal que está mal: "Correo electrónico: escriba un correo electrónico".
console-staff-field-email = Correo electrónico
console-staff-field-name = Nombre
console-staff-field-role = Rol
console-staff-field-error = { $field }: { $message }
console-staff-email-empty = escriba una dirección de correo electrónico
console-staff-email-too-long = una dirección de correo electrónico tiene como máximo 254 caracteres
console-staff-email-malformed = escriba una dirección de correo electrónico como nombre@ejemplo.com
console-staff-name-empty = escriba un nombre
console-staff-name-too-long = un nombre tiene como máximo 100 caracteres
console-staff-name-control = un nombre no puede contener caracteres de control
console-staff-role-unknown = rol desconocido { $role }: elija asegurado, ajustador, agente de soporte o administrador
