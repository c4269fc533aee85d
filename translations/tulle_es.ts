<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>JoinDialog</name>
    <message>
        <source>Paste an invite: one line that starts with TULLE1:.</source>
        <translation>Pegue una invitación: una línea que empieza por TULLE1:.</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>No se puede leer %1: %2</translation>
    </message>
    <message>
        <source>%1 is larger than 1 MiB; a tunnel file is a few hundred bytes.</source>
        <translation>%1 ocupa más de 1 MiB; un archivo de túnel ocupa unos cientos de bytes.</translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>now</source>
        <translation>ahora</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>hace %1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s ago</source>
        <translation>hace %1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min ago</source>
        <translation>hace %1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h ago</source>
        <translation>hace %1 d %2 h</translation>
    </message>
</context>
<context>
    <name>tulle::app::Autostart</name>
    <message>
        <source>Cannot remove %1.</source>
        <translation>No se puede eliminar %1.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>No se puede crear la carpeta %1.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>No se puede escribir %1: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::CreateNetworkDialog</name>
    <message>
        <source>Crea&amp;te</source>
        <translation>&amp;Crear</translation>
    </message>
    <message>
        <source>Create a network</source>
        <translation>Crear una red</translation>
    </message>
    <message>
        <source>This computer becomes the network&apos;s lighthouse: it admits members with invites and tells them where the others are. Members must reach it at one of its endpoints.</source>
        <translation>Este equipo se convierte en el faro de la red: admite miembros con invitaciones y les dice dónde están los demás. Los miembros deben llegar a él por uno de sus puntos de conexión.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>Address &amp;range:</source>
        <translation>&amp;Rango de direcciones:</translation>
    </message>
    <message>
        <source>&amp;Endpoints:</source>
        <translation>&amp;Puntos de conexión:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>Pu&amp;erto:</translation>
    </message>
    <message>
        <source>home</source>
        <translation>casa</translation>
    </message>
    <message>
        <source>vpn.example.net:51820, 198.51.100.7:51820</source>
        <translation>vpn.example.net:51820, 198.51.100.7:51820</translation>
    </message>
    <message>
        <source>the first endpoint&apos;s</source>
        <translation>el del primer punto de conexión</translation>
    </message>
    <message>
        <source>Where members reach this computer: HOST:PORT, such as vpn.example.net:51820.</source>
        <translation>Dónde llegan los miembros a este equipo: HOST:PUERTO, como vpn.example.net:51820.</translation>
    </message>
    <message>
        <source>At most %1 endpoints.</source>
        <translation>Como máximo %1 puntos de conexión.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>A port is a number from 1 to 65535.</source>
        <translation>Un puerto es un número de 1 a 65535.</translation>
    </message>
    <message>
        <source>Creating %1…</source>
        <translation>Creando %1…</translation>
    </message>
    <message>
        <source>Created %1.</source>
        <translation>%1 creada.</translation>
    </message>
</context>
<context>
    <name>tulle::app::DaemonLink</name>
    <message>
        <source>The connection to tulled was lost; reconnecting.</source>
        <translation>Se perdió la conexión con tulled; reconectando.</translation>
    </message>
    <message>
        <source>tulled is not connected.</source>
        <translation>tulled no está conectado.</translation>
    </message>
    <message>
        <source>tulled sent a message over the size limit.</source>
        <translation>tulled envió un mensaje que supera el límite de tamaño.</translation>
    </message>
    <message>
        <source>tulled is not running: nothing answers on its control socket %1. Start it with &quot;sudo systemctl start tulled&quot;; Tulle connects as soon as it runs.</source>
        <translation>tulled no se está ejecutando: nada responde en su socket de control %1. Inícialo con «sudo systemctl start tulled»; Tulle se conectará en cuanto se esté ejecutando.</translation>
    </message>
    <message>
        <source>You may not use tulled&apos;s control socket %1. Add yourself to the group &quot;tulle&quot; (sudo adduser $USER tulle) and log in again.</source>
        <translation>No tienes permiso para usar el socket de control %1 de tulled. Añádete al grupo «tulle» (sudo adduser $USER tulle) y vuelve a iniciar sesión.</translation>
    </message>
    <message>
        <source>Cannot reach tulled: %1</source>
        <translation>No se puede contactar con tulled: %1</translation>
    </message>
</context>
<context>
    <name>tulle::app::InviteDialog</name>
    <message>
        <source>Create &amp;invite</source>
        <translation>Crear &amp;invitación</translation>
    </message>
    <message>
        <source>Invite to %1</source>
        <translation>Invitación a %1</translation>
    </message>
    <message>
        <source>the new member&apos;s choice</source>
        <translation>a elección del nuevo miembro</translation>
    </message>
    <message>
        <source>the first free one</source>
        <translation>la primera libre</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 hora</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 horas</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 días</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>A&amp;ddress:</source>
        <translation>&amp;Dirección:</translation>
    </message>
    <message>
        <source>&amp;Valid for:</source>
        <translation>&amp;Válida durante:</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>Co&amp;piar</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>Nombre: %1</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>Dirección: %1</translation>
    </message>
    <message>
        <source>Address: %1 is outside the network&apos;s range %2.</source>
        <translation>Dirección: %1 está fuera del rango %2 de la red.</translation>
    </message>
    <message>
        <source>Asking tulled for an invite…</source>
        <translation>Pidiendo una invitación a tulled…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>a new member</source>
        <translation>un nuevo miembro</translation>
    </message>
    <message>
        <source>This line admits %1 (%2) to %3 once, until %4. Anyone who has it can use it: send it privately. Closing this window forgets it.</source>
        <translation>Esta línea admite a %1 (%2) en %3 una sola vez, hasta %4. Cualquiera que la tenga puede usarla: envíela en privado. Al cerrar esta ventana se olvida.</translation>
    </message>
    <message>
        <source>On the new member: Networks, Join…, and paste the line or scan the code; or tullectl network join.</source>
        <translation>En el nuevo miembro: Redes, Unirse…, y pegue la línea o escanee el código; o tullectl network join.</translation>
    </message>
</context>
<context>
    <name>tulle::app::JoinDialog</name>
    <message>
        <source>&amp;Open file…</source>
        <translation>&amp;Abrir archivo…</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>&amp;Unirse</translation>
    </message>
    <message>
        <source>Join a network</source>
        <translation>Unirse a una red</translation>
    </message>
    <message>
        <source>TULLE1:…</source>
        <translation>TULLE1:…</translation>
    </message>
    <message>
        <source>the invite&apos;s, or this computer&apos;s name</source>
        <translation>el de la invitación o el nombre de este equipo</translation>
    </message>
    <message>
        <source>&amp;Paste the invite you were sent (one line that starts with TULLE1:), or open a file that holds it.</source>
        <translation>&amp;Pegue la invitación que le enviaron (una línea que empieza por TULLE1:) o abra un archivo que la contenga.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>Open an invite</source>
        <translation>Abrir una invitación</translation>
    </message>
    <message>
        <source>Invites (*.txt);;All files (*)</source>
        <translation>Invitaciones (*.txt);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>%1 holds no invite: none of its text starts with TULLE1:.</source>
        <translation>%1 no contiene ninguna invitación: nada de su texto empieza por TULLE1:.</translation>
    </message>
    <message>
        <source>Invite read from %1.</source>
        <translation>Invitación leída de %1.</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>Nombre: %1</translation>
    </message>
    <message>
        <source>Redeeming the invite…</source>
        <translation>Canjeando la invitación…</translation>
    </message>
    <message>
        <source>tulled refused the invite: %1</source>
        <translation>tulled rechazó la invitación: %1</translation>
    </message>
    <message>
        <source>Joining %1: asking its lighthouse to admit this computer…</source>
        <translation>Uniéndose a %1: pidiendo a su faro que admita este equipo…</translation>
    </message>
    <message>
        <source>Joined %1. Its members are on the Networks page; tunnel %1 is up.</source>
        <translation>Unido a %1. Sus miembros están en la página Redes; el túnel %1 está activo.</translation>
    </message>
    <message>
        <source>Joined %1, but its lighthouse does not answer now: %2</source>
        <translation>Unido a %1, pero su faro no responde ahora: %2</translation>
    </message>
    <message>
        <source>Could not join %1: %2</source>
        <translation>No se pudo unir a %1: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::LocalTunnels</name>
    <message>
        <source>no keychain (Secret Service) is available</source>
        <translation>no hay ningún llavero (Secret Service) disponible</translation>
    </message>
    <message>
        <source>access to the keychain was denied</source>
        <translation>se denegó el acceso al llavero</translation>
    </message>
    <message>
        <source>the keychain is locked or refused access (%1)</source>
        <translation>el llavero está bloqueado o denegó el acceso (%1)</translation>
    </message>
    <message>
        <source>unknown keychain error</source>
        <translation>error desconocido del llavero</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid tunnel name: %2.</source>
        <translation>«%1» no es un nombre de túnel válido: %2.</translation>
    </message>
    <message>
        <source>There is no tunnel named %1.</source>
        <translation>No hay ningún túnel llamado %1.</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>No se pudo leer %1: %2</translation>
    </message>
    <message>
        <source>%1 is too large for a tunnel file.</source>
        <translation>%1 es demasiado grande para ser un archivo de túnel.</translation>
    </message>
    <message>
        <source>%1 holds a private key in plain text. Tulle keeps it in your keychain only: remove the file and import it as a new tunnel.</source>
        <translation>%1 contiene una clave privada en texto plano. Tulle solo la guarda en tu llavero: elimina el archivo e impórtalo como un túnel nuevo.</translation>
    </message>
    <message>
        <source>%1 holds a preshared key in plain text. Tulle keeps it in your keychain only: remove the file and import it as a new tunnel.</source>
        <translation>%1 contiene una clave precompartida en texto plano. Tulle solo la guarda en tu llavero: elimina el archivo e impórtalo como un túnel nuevo.</translation>
    </message>
    <message>
        <source>Could not create the folder %1.</source>
        <translation>No se pudo crear la carpeta %1.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>No se pudo escribir %1: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 has no private key.</source>
        <translation>El túnel %1 no tiene clave privada.</translation>
    </message>
    <message>
        <source>Tunnel %1 has PreUp, PostUp, PreDown or PostDown commands, which only system tunnels may have.</source>
        <translation>El túnel %1 tiene comandos PreUp, PostUp, PreDown o PostDown, que solo pueden tener los túneles del sistema.</translation>
    </message>
    <message>
        <source>Tunnel %1 was not saved: its keys could not be stored in your keychain (%2). Tulle never keeps them in plain files.</source>
        <translation>No se guardó el túnel %1: no se pudieron almacenar sus claves en tu llavero (%2). Tulle nunca las guarda en archivos de texto plano.</translation>
    </message>
    <message>
        <source>The private key of tunnel %1 is not in your keychain. Import the tunnel again, or remove it.</source>
        <translation>La clave privada del túnel %1 no está en tu llavero. Vuelve a importar el túnel o elimínalo.</translation>
    </message>
    <message>
        <source>Could not read the keys of tunnel %1 from your keychain: %2.</source>
        <translation>No se pudieron leer las claves del túnel %1 de tu llavero: %2.</translation>
    </message>
    <message>
        <source>The keychain entry of tunnel %1 is damaged. Import the tunnel again, or remove it.</source>
        <translation>La entrada del llavero del túnel %1 está dañada. Vuelve a importar el túnel o elimínalo.</translation>
    </message>
    <message>
        <source>Tunnel %1 was not removed: its keys could not be removed from your keychain (%2).</source>
        <translation>No se eliminó el túnel %1: no se pudieron eliminar sus claves de tu llavero (%2).</translation>
    </message>
    <message>
        <source>Could not remove %1: %2</source>
        <translation>No se pudo eliminar %1: %2</translation>
    </message>
    <message>
        <source>There is already a tunnel named %1.</source>
        <translation>Ya existe un túnel llamado %1.</translation>
    </message>
    <message>
        <source>Tunnel %1 was not renamed to %2: %3</source>
        <translation>El túnel %1 no se renombró a %2: %3</translation>
    </message>
    <message>
        <source>its private key is not in your keychain.</source>
        <translation>su clave privada no está en tu llavero.</translation>
    </message>
    <message>
        <source>its keys could not be read from your keychain (%1).</source>
        <translation>no se pudieron leer sus claves de tu llavero (%1).</translation>
    </message>
    <message>
        <source>its keys could not be stored in your keychain (%1).</source>
        <translation>no se pudieron almacenar sus claves en tu llavero (%1).</translation>
    </message>
    <message>
        <source>Tunnel %1 is now %2, but its old entry could not be removed from your keychain (%3).</source>
        <translation>El túnel %1 ahora se llama %2, pero no se pudo eliminar su entrada antigua de tu llavero (%3).</translation>
    </message>
    <message>
        <source>No keychain is available (%1). Tulle keeps the private keys of your own tunnels only in a keychain, a Secret Service such as GNOME Keyring or KWallet: start one, or keep the tunnel as a system tunnel instead.</source>
        <translation>No hay ningún llavero disponible (%1). Tulle guarda las claves privadas de tus propios túneles solo en un llavero, un Secret Service como GNOME Keyring o KWallet: inicia uno o, en su lugar, guarda el túnel como túnel del sistema.</translation>
    </message>
</context>
<context>
    <name>tulle::app::LogsPage</name>
    <message>
        <source>Debug and above</source>
        <translation>Depuración y superior</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Información y superior</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Advertencias y errores</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Solo errores</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Todo</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Keep the newest line in view</source>
        <translation>Mantener visible la línea más reciente</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>C&amp;opiar</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>&amp;Nivel:</translation>
    </message>
    <message>
        <source>Save the log</source>
        <translation>Guardar el registro</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt)</source>
        <translation>Archivos de registro (*.log *.txt)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>No se puede escribir %1: %2</translation>
    </message>
    <message>
        <source>F&amp;ollow</source>
        <translation>&amp;Seguir</translation>
    </message>
    <message>
        <source>Save &amp;as…</source>
        <translation>Guardar co&amp;mo…</translation>
    </message>
</context>
<context>
    <name>tulle::app::MainWindow</name>
    <message>
        <source>Tulle</source>
        <translation>Tulle</translation>
    </message>
    <message>
        <source>&amp;Tunnels</source>
        <translation>&amp;Túneles</translation>
    </message>
    <message>
        <source>&amp;Peers</source>
        <translation>&amp;Peers</translation>
    </message>
    <message>
        <source>T&amp;hroughput</source>
        <translation>T&amp;ráfico</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>Re&amp;gistros</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Import tunnel from file…</source>
        <translation>&amp;Importar túnel desde archivo…</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>&amp;Cerrar ventana</translation>
    </message>
    <message>
        <source>&amp;Quit Tulle</source>
        <translation>&amp;Salir de Tulle</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Configuración</translation>
    </message>
    <message>
        <source>&amp;Start Tulle at login</source>
        <translation>&amp;Abrir Tulle al iniciar sesión</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Abrir al iniciar sesión</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;About Tulle</source>
        <translation>&amp;Acerca de Tulle</translation>
    </message>
    <message>
        <source>About Tulle</source>
        <translation>Acerca de Tulle</translation>
    </message>
    <message>
        <source>This desktop has no system tray, so Tulle shows its window instead. Closing the window quits the app; tunnels keep running in tulled.</source>
        <translation>Este escritorio no tiene bandeja del sistema, así que Tulle muestra su ventana en su lugar. Al cerrar la ventana se cierra la aplicación; los túneles siguen funcionando en tulled.</translation>
    </message>
    <message>
        <source>Connected to %1.</source>
        <translation>Conectado a %1.</translation>
    </message>
    <message>
        <source>Connecting to tulled…</source>
        <translation>Conectando con tulled…</translation>
    </message>
    <message>
        <source>%1
Tulle tries again every few seconds.</source>
        <translation>%1
Tulle lo vuelve a intentar cada pocos segundos.</translation>
    </message>
    <message>
        <source>Tunnels</source>
        <translation>Túneles</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>Peers</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Tráfico</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Registros</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>Networks</source>
        <translation>Redes</translation>
    </message>
    <message>
        <source>&amp;Networks</source>
        <translation>Re&amp;des</translation>
    </message>
    <message>
        <source>the MIT licence</source>
        <translation>la licencia MIT</translation>
    </message>
    <message>
        <source>the &lt;a href=&quot;%1&quot;&gt;MIT licence&lt;/a&gt;</source>
        <translation>la &lt;a href=&quot;%1&quot;&gt;licencia MIT&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Tulle %1&lt;/b&gt;&lt;br&gt;WireGuard tunnels for your desktop.&lt;/p&gt;&lt;p&gt;Copyright 2026 The Tulle developers.&lt;br&gt;Tulle is free software under %2: Show Details has its text.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Tulle %1&lt;/b&gt;&lt;br&gt;Túneles WireGuard para su escritorio.&lt;/p&gt;&lt;p&gt;Copyright 2026 Los desarrolladores de Tulle.&lt;br&gt;Tulle es software libre bajo %2: Mostrar detalles contiene su texto.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>tulle::app::MemberTableModel</name>
    <message>
        <source>Public key: %1</source>
        <translation>Clave pública: %1</translation>
    </message>
    <message>
        <source>lighthouse</source>
        <translation>faro</translation>
    </message>
    <message>
        <source>this node</source>
        <translation>este nodo</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>online</source>
        <translation>en línea</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>sin conexión</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Miembro</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>En línea</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Ruta</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por última vez</translation>
    </message>
</context>
<context>
    <name>tulle::app::NetworkListModel</name>
    <message>
        <source>joining…</source>
        <translation>uniéndose…</translation>
    </message>
    <message>
        <source>online</source>
        <translation>en línea</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>sin conexión</translation>
    </message>
    <message>
        <source>offline: %1</source>
        <translation>sin conexión: %1</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fallida</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fallida: %1</translation>
    </message>
    <message>
        <source>lighthouse</source>
        <translation>faro</translation>
    </message>
    <message>
        <source>member</source>
        <translation>miembro</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Red</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Función</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>This node</source>
        <translation>Este nodo</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Miembros</translation>
    </message>
</context>
<context>
    <name>tulle::app::NetworksPage</name>
    <message>
        <source>C&amp;reate network…</source>
        <translation>C&amp;rear red…</translation>
    </message>
    <message>
        <source>&amp;Join…</source>
        <translation>&amp;Unirse…</translation>
    </message>
    <message>
        <source>&amp;Invite…</source>
        <translation>&amp;Invitar…</translation>
    </message>
    <message>
        <source>Re&amp;move member</source>
        <translation>&amp;Quitar miembro</translation>
    </message>
    <message>
        <source>&amp;Leave network</source>
        <translation>A&amp;bandonar la red</translation>
    </message>
    <message>
        <source>No networks yet. Create one with &quot;Create network…&quot; (this computer becomes its lighthouse), or join one with an invite you were sent.</source>
        <translation>Aún no hay redes. Cree una con «Crear red…» (este equipo será su faro) o únase a una con una invitación que le hayan enviado.</translation>
    </message>
    <message>
        <source>tulled did not list its networks: %1</source>
        <translation>tulled no listó sus redes: %1</translation>
    </message>
    <message>
        <source>Members of %1: %2</source>
        <translation>Miembros de %1: %2</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Miembros de %1</translation>
    </message>
    <message>
        <source>%1 is %2</source>
        <translation>%1 está %2</translation>
    </message>
    <message>
        <source>Network %1 created; this computer is its lighthouse. Invite members with &quot;Invite…&quot;.</source>
        <translation>Red %1 creada; este equipo es su faro. Invite a miembros con «Invitar…».</translation>
    </message>
    <message>
        <source>Invite to %1 made.</source>
        <translation>Invitación a %1 creada.</translation>
    </message>
    <message>
        <source>Joined %1.</source>
        <translation>Unido a %1.</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>Quitar miembro</translation>
    </message>
    <message>
        <source>Remove %1 from %2? Every member stops talking to it at once, and it cannot come back without a new invite.</source>
        <translation>¿Quitar %1 de %2? Todos los miembros dejan de hablar con él de inmediato, y no puede volver sin una nueva invitación.</translation>
    </message>
    <message>
        <source>tulled refused to remove %1: %2</source>
        <translation>tulled se negó a quitar %1: %2</translation>
    </message>
    <message>
        <source>%1 removed from %2.</source>
        <translation>%1 quitado de %2.</translation>
    </message>
    <message>
        <source>Leave %1? This computer is its lighthouse and holds its key: leaving deletes the network, and its members can no longer reach each other through it.</source>
        <translation>¿Abandonar %1? Este equipo es su faro y guarda su clave: abandonarla borra la red, y sus miembros ya no podrán comunicarse a través de ella.</translation>
    </message>
    <message>
        <source>Leave %1? Its tunnel goes down and this computer&apos;s membership is deleted; joining again needs a new invite.</source>
        <translation>¿Abandonar %1? Su túnel se desactiva y se borra la pertenencia de este equipo; volver a unirse requiere una nueva invitación.</translation>
    </message>
    <message>
        <source>Leave network</source>
        <translation>Abandonar la red</translation>
    </message>
    <message>
        <source>tulled refused to leave %1: %2</source>
        <translation>tulled se negó a abandonar %1: %2</translation>
    </message>
    <message>
        <source>Left %1.</source>
        <translation>Ha abandonado %1.</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerEditor</name>
    <message>
        <source>Add a peer to %1</source>
        <translation>Añadir un peer a %1</translation>
    </message>
    <message>
        <source>Edit peer %1 of %2</source>
        <translation>Editar el peer %1 de %2</translation>
    </message>
    <message>
        <source>set (hidden); type a new one to replace it</source>
        <translation>establecida (oculta); escribe una nueva para reemplazarla</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguna</translation>
    </message>
    <message>
        <source>laptop</source>
        <translation>portátil</translation>
    </message>
    <message>
        <source>44 characters of base64, ending in =</source>
        <translation>44 caracteres en base64, terminados en =</translation>
    </message>
    <message>
        <source>vpn.example.com:51820 or [2001:db8::1]:51820 (optional)</source>
        <translation>vpn.example.com:51820 o [2001:db8::1]:51820 (opcional)</translation>
    </message>
    <message>
        <source>10.0.0.2/32, fd00::2/128</source>
        <translation>10.0.0.2/32, fd00::2/128</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>off</source>
        <translation>desactivado</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generar</translation>
    </message>
    <message>
        <source>Remove the preshared key</source>
        <translation>Quitar la clave precompartida</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>&amp;Public key:</source>
        <translation>Clave &amp;pública:</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpoint:</translation>
    </message>
    <message>
        <source>&amp;Allowed IPs:</source>
        <translation>&amp;IP permitidas:</translation>
    </message>
    <message>
        <source>&amp;Keepalive:</source>
        <translation>&amp;Keepalive:</translation>
    </message>
    <message>
        <source>Pre&amp;shared key:</source>
        <translation>Clave pre&amp;compartida:</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Aplicando…</translation>
    </message>
    <message>
        <source>tulled refused it: %1</source>
        <translation>tulled lo rechazó: %1</translation>
    </message>
    <message>
        <source>Applied to the running tunnel.</source>
        <translation>Aplicado al túnel en ejecución.</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerForm</name>
    <message>
        <source>A name may have at most %1 characters.</source>
        <translation>Un nombre puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>A name cannot contain control characters.</source>
        <translation>Un nombre no puede contener caracteres de control.</translation>
    </message>
    <message>
        <source>Enter the peer&apos;s public key (44 characters, from &quot;wg pubkey&quot; or the peer&apos;s app).</source>
        <translation>Introduce la clave pública del peer (44 caracteres, de «wg pubkey» o de la aplicación del peer).</translation>
    </message>
    <message>
        <source>An all-zero key is not a public key.</source>
        <translation>Una clave formada solo por ceros no es una clave pública.</translation>
    </message>
    <message>
        <source>This is the tunnel&apos;s own public key; enter the peer&apos;s.</source>
        <translation>Esta es la clave pública del propio túnel; introduce la del peer.</translation>
    </message>
    <message>
        <source>The tunnel already has a peer with this key.</source>
        <translation>El túnel ya tiene un peer con esta clave.</translation>
    </message>
    <message>
        <source>Put an IPv6 address in brackets: [2001:db8::1]:51820.</source>
        <translation>Escribe las direcciones IPv6 entre corchetes: [2001:db8::1]:51820.</translation>
    </message>
    <message>
        <source>Entry %1 is empty; remove the extra comma.</source>
        <translation>La entrada %1 está vacía; quita la coma sobrante.</translation>
    </message>
    <message>
        <source>Enter seconds from 0 (off) to 65535; 25 keeps most NATs open.</source>
        <translation>Introduce un valor en segundos de 0 (desactivado) a 65535; 25 mantiene abiertos la mayoría de los NAT.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Public key</source>
        <translation>Clave pública</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Endpoint</translation>
    </message>
    <message>
        <source>Allowed IPs</source>
        <translation>IP permitidas</translation>
    </message>
    <message>
        <source>Persistent keepalive</source>
        <translation>Keepalive persistente</translation>
    </message>
    <message>
        <source>Preshared key</source>
        <translation>Clave precompartida</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerTableModel</name>
    <message>
        <source>Public key: %1</source>
        <translation>Clave pública: %1</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(desconocido)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Endpoint</translation>
    </message>
    <message>
        <source>Allowed IPs</source>
        <translation>IP permitidas</translation>
    </message>
    <message>
        <source>Latest handshake</source>
        <translation>Último handshake</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviado</translation>
    </message>
    <message>
        <source>Receiving</source>
        <translation>Recepción</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Envío</translation>
    </message>
    <message>
        <source>direct %1</source>
        <translation>directa %1</translation>
    </message>
    <message>
        <source>lan %1</source>
        <translation>LAN %1</translation>
    </message>
    <message>
        <source>relay via %1</source>
        <translation>retransmitida por %1</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Ruta</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeersPage</name>
    <message>
        <source>&amp;Add peer…</source>
        <translation>Añadir &amp;peer…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Editar…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Quitar</translation>
    </message>
    <message>
        <source>Filter by name, endpoint or allowed IPs</source>
        <translation>Filtrar por nombre, endpoint o IP permitidas</translation>
    </message>
    <message>
        <source>&amp;Tunnel:</source>
        <translation>&amp;Túnel:</translation>
    </message>
    <message>
        <source>Tunnel %1 has no peers yet. Add one with &quot;Add peer…&quot;.</source>
        <translation>El túnel %1 aún no tiene peers. Añade uno con «Añadir peer…».</translation>
    </message>
    <message>
        <source>No tunnel is up. Bring one up on the Tunnels page to see its peers here.</source>
        <translation>No hay ningún túnel activo. Activa uno en la página Túneles para ver aquí sus peers.</translation>
    </message>
    <message>
        <source>Peer added to %1.</source>
        <translation>Peer añadido a %1.</translation>
    </message>
    <message>
        <source>Peer of %1 changed.</source>
        <translation>Peer de %1 modificado.</translation>
    </message>
    <message>
        <source>Remove peer</source>
        <translation>Quitar peer</translation>
    </message>
    <message>
        <source>Remove peer %1 from the running tunnel %2? Traffic to its allowed IPs stops at once.</source>
        <translation>¿Quitar el peer %1 del túnel en ejecución %2? El tráfico hacia sus IP permitidas se detendrá de inmediato.</translation>
    </message>
    <message>
        <source>tulled refused to remove %1: %2</source>
        <translation>tulled se negó a quitar %1: %2</translation>
    </message>
    <message>
        <source>Peer %1 removed from %2.</source>
        <translation>Peer %1 quitado de %2.</translation>
    </message>
</context>
<context>
    <name>tulle::app::QrExportDialog</name>
    <message>
        <source>Reach this machine at: </source>
        <translation>Llegar a esta máquina en: </translation>
    </message>
    <message>
        <source>Address in the tunnel: </source>
        <translation>Dirección en el túnel: </translation>
    </message>
    <message>
        <source>Name: </source>
        <translation>Nombre: </translation>
    </message>
    <message>
        <source>Send &amp;everything through the tunnel</source>
        <translation>Enviar &amp;todo por el túnel</translation>
    </message>
    <message>
        <source>&amp;Add peer</source>
        <translation>&amp;Añadir par</translation>
    </message>
    <message>
        <source>QR code for a phone: %1</source>
        <translation>Código QR para un teléfono: %1</translation>
    </message>
    <message>
        <source>vpn.example.com or 203.0.113.7:51820</source>
        <translation>vpn.example.com o 203.0.113.7:51820</translation>
    </message>
    <message>
        <source>the first free one</source>
        <translation>la primera libre</translation>
    </message>
    <message>
        <source>AllowedIPs = 0.0.0.0/0, ::/0 instead of the tunnel&apos;s networks</source>
        <translation>AllowedIPs = 0.0.0.0/0, ::/0 en lugar de las redes del túnel</translation>
    </message>
    <message>
        <source>Adds a new peer to %1 and shows its configuration for the WireGuard app on a phone. The key pair is made here; tulled never sees the private key.</source>
        <translation>Añade un nuevo par a %1 y muestra su configuración para la aplicación WireGuard de un teléfono. El par de claves se crea aquí; tulled nunca ve la clave privada.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>&amp;Reach this machine at:</source>
        <translation>&amp;Llegar a esta máquina en:</translation>
    </message>
    <message>
        <source>A&amp;ddress in the tunnel:</source>
        <translation>&amp;Dirección en el túnel:</translation>
    </message>
    <message>
        <source>Shown once: Tulle keeps no copy of this private key. Scan or save it now; closing this window forgets it.</source>
        <translation>Se muestra una sola vez: Tulle no guarda copia de esta clave privada. Escanéela o guárdela ahora; al cerrar esta ventana se olvida.</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>Co&amp;piar</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>&amp;Guardar…</translation>
    </message>
    <message>
        <source>Save %1</source>
        <translation>Guardar %1</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf)</source>
        <translation>Túneles WireGuard (*.conf)</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>Guardado en %1.</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>Dirección: %1</translation>
    </message>
    <message>
        <source>Adding the peer…</source>
        <translation>Añadiendo el par…</translation>
    </message>
    <message>
        <source>tulled refused it: %1</source>
        <translation>tulled lo rechazó: %1</translation>
    </message>
    <message>
        <source>Added to %1. Scan the code with the WireGuard app (+, then Scan from QR code).</source>
        <translation>Añadido a %1. Escanee el código con la aplicación WireGuard (+, luego «Scan from QR code»).</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>No se pudo guardar %1: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::ThroughputPage</name>
    <message>
        <source>Last minute</source>
        <translation>Último minuto</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>Últimos 10 minutos</translation>
    </message>
    <message>
        <source>Receive</source>
        <translation>Recepción</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Envío</translation>
    </message>
    <message>
        <source>seconds ago</source>
        <translation>segundos atrás</translation>
    </message>
    <message>
        <source>&amp;Tunnel:</source>
        <translation>&amp;Túnel:</translation>
    </message>
    <message>
        <source>&amp;Range:</source>
        <translation>&amp;Periodo:</translation>
    </message>
    <message>
        <source>No peer selected</source>
        <translation>Ningún peer seleccionado</translation>
    </message>
    <message>
        <source>No tunnel is up.</source>
        <translation>No hay ningún túnel activo.</translation>
    </message>
    <message>
        <source>Pick a peer.</source>
        <translation>Elige un peer.</translation>
    </message>
    <message>
        <source>Now: receiving %1, sending %2 · Total: received %3, sent %4</source>
        <translation>Ahora: recibiendo %1, enviando %2 · Total: recibido %3, enviado %4</translation>
    </message>
</context>
<context>
    <name>tulle::app::Tray</name>
    <message>
        <source>%1 is up</source>
        <translation>%1 está activo</translation>
    </message>
    <message>
        <source>Tunnel %1 is connected.</source>
        <translation>El túnel %1 está conectado.</translation>
    </message>
    <message>
        <source>%1 is down</source>
        <translation>%1 está inactivo</translation>
    </message>
    <message>
        <source>Tunnel %1 was turned off.</source>
        <translation>El túnel %1 se ha desactivado.</translation>
    </message>
    <message>
        <source>No handshake with %1</source>
        <translation>Sin handshake con %1</translation>
    </message>
    <message>
        <source>Tunnel %1 keeps trying to reach peer %2 without an answer. Check its endpoint and keys.</source>
        <translation>El túnel %1 sigue intentando contactar con el peer %2 sin obtener respuesta. Comprueba su endpoint y sus claves.</translation>
    </message>
    <message>
        <source>Connecting to tulled…</source>
        <translation>Conectando con tulled…</translation>
    </message>
    <message>
        <source>No tunnels yet</source>
        <translation>Aún no hay túneles</translation>
    </message>
    <message>
        <source>Open Tulle</source>
        <translation>Abrir Tulle</translation>
    </message>
    <message>
        <source>Import tunnel from file…</source>
        <translation>Importar túnel desde archivo…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>no tunnel is up</source>
        <translation>ningún túnel activo</translation>
    </message>
    <message>
        <source>waiting for handshakes</source>
        <translation>esperando handshakes</translation>
    </message>
    <message>
        <source>connecting to tulled</source>
        <translation>conectando con tulled</translation>
    </message>
    <message numerus="yes">
        <source>%n tunnel(s) up</source>
        <translation>
            <numerusform>%n túnel activo</numerusform>
            <numerusform>%n túneles activos</numerusform>
        </translation>
    </message>
    <message>
        <source>a peer does not answer</source>
        <translation>un peer no responde</translation>
    </message>
    <message>
        <source>Tulle — %1</source>
        <translation>Tulle — %1</translation>
    </message>
    <message>
        <source>↓ %1   ↑ %2</source>
        <translation>↓ %1   ↑ %2</translation>
    </message>
    <message>
        <source>tulled is another version</source>
        <translation>tulled es de otra versión</translation>
    </message>
    <message>
        <source>tulled is not reachable</source>
        <translation>tulled no está accesible</translation>
    </message>
    <message>
        <source>%1 (not saved)</source>
        <translation>%1 (no guardado)</translation>
    </message>
    <message>
        <source>Not saved: gone after tulled restarts</source>
        <translation>No guardado: desaparece cuando tulled se reinicia</translation>
    </message>
    <message>
        <source>%1 did not come up</source>
        <translation>%1 no se activó</translation>
    </message>
    <message>
        <source>%1 did not go down</source>
        <translation>%1 no se desactivó</translation>
    </message>
    <message>
        <source>%1: %2, %3 relayed</source>
        <translation>%1: %2, %3 retransmitidos</translation>
    </message>
    <message numerus="yes">
        <source>%n peer(s)</source>
        <translation>
            <numerusform>%n par</numerusform>
            <numerusform>%n pares</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelActions</name>
    <message>
        <source>No keychain</source>
        <translation>No hay llavero</translation>
    </message>
    <message>
        <source>%1

Tulle keeps private keys only in your keychain, never in plain files. You can keep &quot;%2&quot; as a system tunnel instead: tulled stores it in /etc/tulle, readable by root only, and every member of the group &quot;tulle&quot; can bring it up.

Save &quot;%2&quot; as a system tunnel?</source>
        <translation>%1

Tulle guarda las claves privadas solo en tu llavero, nunca en archivos de texto plano. En su lugar, puedes guardar «%2» como túnel del sistema: tulled lo almacena en /etc/tulle, legible solo por root, y cualquier miembro del grupo «tulle» puede activarlo.

¿Guardar «%2» como túnel del sistema?</translation>
    </message>
    <message>
        <source>Tunnel %1 is down.</source>
        <translation>El túnel %1 está desactivado.</translation>
    </message>
    <message>
        <source>Could not bring %1 down: %2</source>
        <translation>No se pudo desactivar %1: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 is up.</source>
        <translation>El túnel %1 está activo.</translation>
    </message>
    <message>
        <source>Could not bring %1 up: %2</source>
        <translation>No se pudo activar %1: %2</translation>
    </message>
    <message>
        <source>Import tunnel from file</source>
        <translation>Importar túnel desde archivo</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf);;All files (*)</source>
        <translation>Túneles WireGuard (*.conf);;Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Import tunnel</source>
        <translation>Importar túnel</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>%1 no se puede importar:
%2</translation>
    </message>
    <message>
        <source>Name for the imported tunnel (1 to 15 letters, digits, or _=+.-):</source>
        <translation>Nombre del túnel importado (de 1 a 15 caracteres: letras A–Z y a–z, dígitos o _=+.-):</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be a tunnel name: %2</source>
        <translation>«%1» no puede ser un nombre de túnel: %2</translation>
    </message>
    <message>
        <source>A tunnel named %1 exists already.</source>
        <translation>Ya existe un túnel llamado %1.</translation>
    </message>
    <message>
        <source>%1 was not saved: %2</source>
        <translation>%1 no se guardó: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 saved; its keys are in your keychain.</source>
        <translation>Túnel %1 guardado; sus claves están en tu llavero.</translation>
    </message>
    <message>
        <source>Tunnel %1 saved as a system tunnel.</source>
        <translation>Túnel %1 guardado como túnel del sistema.</translation>
    </message>
    <message>
        <source>tulled did not save %1: %2</source>
        <translation>tulled no guardó %1: %2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>No se puede escribir %1: %2</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Exportado a %1.</translation>
    </message>
    <message>
        <source>Could not export %1: %2</source>
        <translation>No se pudo exportar %1: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 is not running; tulled shows a system tunnel&apos;s settings only while it is up.</source>
        <translation>El túnel %1 no está en ejecución; tulled solo muestra la configuración de un túnel del sistema mientras está activo.</translation>
    </message>
    <message>
        <source>%1 is a system tunnel; root removes it with sudo rm /etc/tulle/%1.conf</source>
        <translation>%1 es un túnel del sistema; root lo elimina con sudo rm /etc/tulle/%1.conf</translation>
    </message>
    <message>
        <source>Tunnel %1 deleted.</source>
        <translation>Túnel %1 eliminado.</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>No se pudo eliminar %1: %2</translation>
    </message>
    <message>
        <source>Bring %1 down before renaming it.</source>
        <translation>Desactiva %1 antes de renombrarlo.</translation>
    </message>
    <message>
        <source>%1 is now called %2.</source>
        <translation>%1 ahora se llama %2.</translation>
    </message>
    <message>
        <source>Could not rename %1: %2</source>
        <translation>No se pudo renombrar %1: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelListModel</name>
    <message>
        <source>Up</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Down (your profile)</source>
        <translation>Inactivo (tu perfil)</translation>
    </message>
    <message>
        <source>Down (system tunnel)</source>
        <translation>Inactivo (túnel del sistema)</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Inactivo</translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation>Túnel</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Direcciones</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>Peers</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Recibido</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviado</translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelsPage</name>
    <message>
        <source>Create a tunnel</source>
        <translation>Crear un túnel</translation>
    </message>
    <message>
        <source>home</source>
        <translation>casa</translation>
    </message>
    <message>
        <source>10.0.0.1/24, fd00::1/64</source>
        <translation>10.0.0.1/24, fd00::1/64</translation>
    </message>
    <message>
        <source>any</source>
        <translation>cualquiera</translation>
    </message>
    <message>
        <source>optional: 10.0.0.53</source>
        <translation>opcional: 10.0.0.53</translation>
    </message>
    <message>
        <source>%1 (through %2)</source>
        <translation>%1 (a través de %2)</translation>
    </message>
    <message>
        <source>%1 (not applied: %2)</source>
        <translation>%1 (no aplicado: %2)</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automático</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>&amp;Addresses:</source>
        <translation>&amp;Direcciones:</translation>
    </message>
    <message>
        <source>&amp;Listen port:</source>
        <translation>&amp;Puerto de escucha:</translation>
    </message>
    <message>
        <source>&amp;DNS:</source>
        <translation>DN&amp;S:</translation>
    </message>
    <message>
        <source>&amp;MTU:</source>
        <translation>&amp;MTU:</translation>
    </message>
    <message>
        <source>A new key pair is generated; the private key goes to your keychain.</source>
        <translation>Se genera un nuevo par de claves; la clave privada se guarda en tu llavero.</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>Nombre: %1</translation>
    </message>
    <message>
        <source>Addresses: %1: %2</source>
        <translation>Direcciones: %1: %2</translation>
    </message>
    <message>
        <source>DNS: %1: %2</source>
        <translation>DNS: %1: %2</translation>
    </message>
    <message>
        <source>MTU: at least %1, or automatic.</source>
        <translation>MTU: al menos %1, o automático.</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>C&amp;opiar</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportar…</translation>
    </message>
    <message>
        <source>Copy the public key: give it to the peers of this tunnel</source>
        <translation>Copiar la clave pública: dásela a los peers de este túnel</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>Estado:</translation>
    </message>
    <message>
        <source>Public key:</source>
        <translation>Clave pública:</translation>
    </message>
    <message>
        <source>Addresses:</source>
        <translation>Direcciones:</translation>
    </message>
    <message>
        <source>Listen port:</source>
        <translation>Puerto de escucha:</translation>
    </message>
    <message>
        <source>DNS:</source>
        <translation>DNS:</translation>
    </message>
    <message>
        <source>MTU:</source>
        <translation>MTU:</translation>
    </message>
    <message>
        <source>&amp;Create…</source>
        <translation>C&amp;rear…</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importar…</translation>
    </message>
    <message>
        <source>No tunnels yet</source>
        <translation>Aún no hay túneles</translation>
    </message>
    <message>
        <source>Create a tunnel, or import a WireGuard .conf file.</source>
        <translation>Crea un túnel o importa un archivo .conf de WireGuard.</translation>
    </message>
    <message>
        <source>&amp;Turn on</source>
        <translation>Ac&amp;tivar</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Inactivo</translation>
    </message>
    <message>
        <source>&amp;Turn off</source>
        <translation>Desac&amp;tivar</translation>
    </message>
    <message>
        <source>A system tunnel belongs to root: remove /etc/tulle/%1.conf as root.</source>
        <translation>Un túnel del sistema pertenece a root: elimina /etc/tulle/%1.conf como root.</translation>
    </message>
    <message>
        <source>Your profile: settings in your folder, keys in your keychain.</source>
        <translation>Tu perfil: configuración en tu carpeta, claves en tu llavero.</translation>
    </message>
    <message>
        <source>System tunnel, kept by tulled in /etc/tulle%1.</source>
        <translation>Túnel del sistema, guardado por tulled en /etc/tulle%1.</translation>
    </message>
    <message>
        <source>, started at boot</source>
        <translation>, se inicia al arrancar el sistema</translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation>Túnel</translation>
    </message>
    <message>
        <source>A tunnel named %1 exists already.</source>
        <translation>Ya existe un túnel llamado %1.</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>Exportar %1</translation>
    </message>
    <message>
        <source>Include the private key and preshared keys? Anyone who has the file can then act as this tunnel.</source>
        <translation>¿Incluir la clave privada y las claves precompartidas? Cualquiera que tenga el archivo podrá hacerse pasar por este túnel.</translation>
    </message>
    <message>
        <source>Without keys</source>
        <translation>Sin claves</translation>
    </message>
    <message>
        <source>With keys</source>
        <translation>Con claves</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf)</source>
        <translation>Túneles WireGuard (*.conf)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>Rename %1</source>
        <translation>Renombrar %1</translation>
    </message>
    <message>
        <source>New name (1 to 15 letters, digits, or _=+.-):</source>
        <translation>Nombre nuevo (de 1 a 15 caracteres: letras A–Z y a–z, dígitos o _=+.-):</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Renombrar</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>Eliminar %1</translation>
    </message>
    <message>
        <source>Delete tunnel %1 and its keys? This cannot be undone; export it first to keep a copy.</source>
        <translation>¿Eliminar el túnel %1 y sus claves? No se puede deshacer; expórtalo antes si quieres conservar una copia.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>Renom&amp;brar…</translation>
    </message>
    <message>
        <source>Del&amp;ete</source>
        <translation>&amp;Eliminar</translation>
    </message>
    <message>
        <source>&amp;Block untunneled traffic</source>
        <translation>Bloquear el tráfico &amp;fuera del túnel</translation>
    </message>
    <message>
        <source>Kill switch: while this tunnel is on, nothing leaves this computer except through it (its own connection to the peers, DHCP and the local network&apos;s neighbour discovery excepted). Only for a tunnel that takes all traffic (AllowedIPs 0.0.0.0/0 or ::/0); it applies the next time the tunnel is turned on.</source>
        <translation>Kill switch: mientras este túnel esté activo, nada sale de este ordenador salvo a través de él (excepto su propia conexión con los pares, DHCP y el descubrimiento de vecinos de la red local). Solo para un túnel que lleva todo el tráfico (AllowedIPs 0.0.0.0/0 o ::/0); se aplica la próxima vez que se active el túnel.</translation>
    </message>
    <message>
        <source>To a &amp;file…</source>
        <translation>A un &amp;archivo…</translation>
    </message>
    <message>
        <source>&amp;QR code for a phone…</source>
        <translation>Código &amp;QR para un teléfono…</translation>
    </message>
    <message>
        <source>Started by another program (tullectl); not saved: tulled keeps it, on or off, until it is deleted — gone after tulled restarts.</source>
        <translation>Iniciado por otro programa (tullectl); no guardado: tulled lo conserva, activo o no, hasta que se borre; desaparece cuando tulled se reinicia.</translation>
    </message>
</context>
</TS>
