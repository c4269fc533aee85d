<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>JoinDialog</name>
    <message>
        <source>Paste an invite: one line that starts with TULLE1:.</source>
        <translation>Fügen Sie eine Einladung ein: eine Zeile, die mit TULLE1: beginnt.</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is larger than 1 MiB; a tunnel file is a few hundred bytes.</source>
        <translation>%1 ist größer als 1 MiB; eine Tunneldatei ist nur einige hundert Byte groß.</translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>vor %1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s ago</source>
        <translation>vor %1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min ago</source>
        <translation>vor %1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h ago</source>
        <translation>vor %1 d %2 h</translation>
    </message>
</context>
<context>
    <name>tulle::app::Autostart</name>
    <message>
        <source>Cannot remove %1.</source>
        <translation>%1 kann nicht entfernt werden.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::CreateNetworkDialog</name>
    <message>
        <source>Crea&amp;te</source>
        <translation>Ers&amp;tellen</translation>
    </message>
    <message>
        <source>Create a network</source>
        <translation>Netzwerk erstellen</translation>
    </message>
    <message>
        <source>This computer becomes the network&apos;s lighthouse: it admits members with invites and tells them where the others are. Members must reach it at one of its endpoints.</source>
        <translation>Dieser Computer wird zum Leuchtturm des Netzwerks: Er nimmt Mitglieder per Einladung auf und sagt ihnen, wo die anderen sind. Die Mitglieder müssen ihn über einen seiner Endpunkte erreichen.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Address &amp;range:</source>
        <translation>Adress&amp;bereich:</translation>
    </message>
    <message>
        <source>&amp;Endpoints:</source>
        <translation>&amp;Endpunkte:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>home</source>
        <translation>zuhause</translation>
    </message>
    <message>
        <source>vpn.example.net:51820, 198.51.100.7:51820</source>
        <translation>vpn.example.net:51820, 198.51.100.7:51820</translation>
    </message>
    <message>
        <source>the first endpoint&apos;s</source>
        <translation>der des ersten Endpunkts</translation>
    </message>
    <message>
        <source>Where members reach this computer: HOST:PORT, such as vpn.example.net:51820.</source>
        <translation>Wo Mitglieder diesen Computer erreichen: HOST:PORT, etwa vpn.example.net:51820.</translation>
    </message>
    <message>
        <source>At most %1 endpoints.</source>
        <translation>Höchstens %1 Endpunkte.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>A port is a number from 1 to 65535.</source>
        <translation>Ein Port ist eine Zahl von 1 bis 65535.</translation>
    </message>
    <message>
        <source>Creating %1…</source>
        <translation>%1 wird erstellt…</translation>
    </message>
    <message>
        <source>Created %1.</source>
        <translation>%1 erstellt.</translation>
    </message>
</context>
<context>
    <name>tulle::app::DaemonLink</name>
    <message>
        <source>The connection to tulled was lost; reconnecting.</source>
        <translation>Die Verbindung zu tulled ist abgebrochen; Tulle verbindet sich neu.</translation>
    </message>
    <message>
        <source>tulled is not connected.</source>
        <translation>tulled ist nicht verbunden.</translation>
    </message>
    <message>
        <source>tulled sent a message over the size limit.</source>
        <translation>tulled hat eine Nachricht gesendet, die die Größenbegrenzung überschreitet.</translation>
    </message>
    <message>
        <source>tulled is not running: nothing answers on its control socket %1. Start it with &quot;sudo systemctl start tulled&quot;; Tulle connects as soon as it runs.</source>
        <translation>tulled läuft nicht: An seinem Steuer-Socket %1 antwortet nichts. Starten Sie es mit „sudo systemctl start tulled“; Tulle verbindet sich, sobald es läuft.</translation>
    </message>
    <message>
        <source>You may not use tulled&apos;s control socket %1. Add yourself to the group &quot;tulle&quot; (sudo adduser $USER tulle) and log in again.</source>
        <translation>Sie dürfen den Steuer-Socket %1 von tulled nicht verwenden. Fügen Sie sich der Gruppe „tulle“ hinzu (sudo adduser $USER tulle) und melden Sie sich neu an.</translation>
    </message>
    <message>
        <source>Cannot reach tulled: %1</source>
        <translation>tulled ist nicht erreichbar: %1</translation>
    </message>
</context>
<context>
    <name>tulle::app::InviteDialog</name>
    <message>
        <source>Create &amp;invite</source>
        <translation>&amp;Einladung erstellen</translation>
    </message>
    <message>
        <source>Invite to %1</source>
        <translation>Einladung zu %1</translation>
    </message>
    <message>
        <source>the new member&apos;s choice</source>
        <translation>nach Wahl des neuen Mitglieds</translation>
    </message>
    <message>
        <source>the first free one</source>
        <translation>die erste freie</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 Stunden</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 Tage</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>A&amp;ddress:</source>
        <translation>A&amp;dresse:</translation>
    </message>
    <message>
        <source>&amp;Valid for:</source>
        <translation>&amp;Gültig für:</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>Name: %1</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>Adresse: %1</translation>
    </message>
    <message>
        <source>Address: %1 is outside the network&apos;s range %2.</source>
        <translation>Adresse: %1 liegt außerhalb des Bereichs %2 des Netzwerks.</translation>
    </message>
    <message>
        <source>Asking tulled for an invite…</source>
        <translation>tulled wird um eine Einladung gebeten…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>a new member</source>
        <translation>ein neues Mitglied</translation>
    </message>
    <message>
        <source>This line admits %1 (%2) to %3 once, until %4. Anyone who has it can use it: send it privately. Closing this window forgets it.</source>
        <translation>Diese Zeile nimmt %1 (%2) einmal in %3 auf, bis %4. Jeder, der sie hat, kann sie verwenden: Senden Sie sie vertraulich. Beim Schließen dieses Fensters wird sie vergessen.</translation>
    </message>
    <message>
        <source>On the new member: Networks, Join…, and paste the line or scan the code; or tullectl network join.</source>
        <translation>Auf dem neuen Mitglied: Netzwerke, Beitreten…, dann die Zeile einfügen oder den Code scannen; oder tullectl network join.</translation>
    </message>
</context>
<context>
    <name>tulle::app::JoinDialog</name>
    <message>
        <source>&amp;Open file…</source>
        <translation>&amp;Datei öffnen…</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>&amp;Beitreten</translation>
    </message>
    <message>
        <source>Join a network</source>
        <translation>Einem Netzwerk beitreten</translation>
    </message>
    <message>
        <source>TULLE1:…</source>
        <translation>TULLE1:…</translation>
    </message>
    <message>
        <source>the invite&apos;s, or this computer&apos;s name</source>
        <translation>der aus der Einladung oder der Name dieses Computers</translation>
    </message>
    <message>
        <source>&amp;Paste the invite you were sent (one line that starts with TULLE1:), or open a file that holds it.</source>
        <translation>&amp;Fügen Sie die Einladung ein, die Sie erhalten haben (eine Zeile, die mit TULLE1: beginnt), oder öffnen Sie eine Datei, die sie enthält.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Open an invite</source>
        <translation>Einladung öffnen</translation>
    </message>
    <message>
        <source>Invites (*.txt);;All files (*)</source>
        <translation>Einladungen (*.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>%1 holds no invite: none of its text starts with TULLE1:.</source>
        <translation>%1 enthält keine Einladung: Keine Zeile beginnt mit TULLE1:.</translation>
    </message>
    <message>
        <source>Invite read from %1.</source>
        <translation>Einladung aus %1 gelesen.</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>Name: %1</translation>
    </message>
    <message>
        <source>Redeeming the invite…</source>
        <translation>Die Einladung wird eingelöst…</translation>
    </message>
    <message>
        <source>tulled refused the invite: %1</source>
        <translation>tulled hat die Einladung abgelehnt: %1</translation>
    </message>
    <message>
        <source>Joining %1: asking its lighthouse to admit this computer…</source>
        <translation>Beitritt zu %1: Sein Leuchtturm wird gebeten, diesen Computer aufzunehmen…</translation>
    </message>
    <message>
        <source>Joined %1. Its members are on the Networks page; tunnel %1 is up.</source>
        <translation>%1 beigetreten. Seine Mitglieder stehen auf der Seite Netzwerke; Tunnel %1 ist aktiv.</translation>
    </message>
    <message>
        <source>Joined %1, but its lighthouse does not answer now: %2</source>
        <translation>%1 beigetreten, aber sein Leuchtturm antwortet gerade nicht: %2</translation>
    </message>
    <message>
        <source>Could not join %1: %2</source>
        <translation>Beitritt zu %1 nicht möglich: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::LocalTunnels</name>
    <message>
        <source>no keychain (Secret Service) is available</source>
        <translation>kein Schlüsselbund (Secret Service) verfügbar</translation>
    </message>
    <message>
        <source>access to the keychain was denied</source>
        <translation>der Zugriff auf den Schlüsselbund wurde verweigert</translation>
    </message>
    <message>
        <source>the keychain is locked or refused access (%1)</source>
        <translation>der Schlüsselbund ist gesperrt oder verweigert den Zugriff (%1)</translation>
    </message>
    <message>
        <source>unknown keychain error</source>
        <translation>unbekannter Schlüsselbund-Fehler</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid tunnel name: %2.</source>
        <translation>„%1“ ist kein gültiger Tunnelname: %2.</translation>
    </message>
    <message>
        <source>There is no tunnel named %1.</source>
        <translation>Es gibt keinen Tunnel namens %1.</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is too large for a tunnel file.</source>
        <translation>%1 ist zu groß für eine Tunneldatei.</translation>
    </message>
    <message>
        <source>%1 holds a private key in plain text. Tulle keeps it in your keychain only: remove the file and import it as a new tunnel.</source>
        <translation>%1 enthält einen privaten Schlüssel im Klartext. Tulle bewahrt ihn nur in Ihrem Schlüsselbund auf: Entfernen Sie die Datei und importieren Sie sie als neuen Tunnel.</translation>
    </message>
    <message>
        <source>%1 holds a preshared key in plain text. Tulle keeps it in your keychain only: remove the file and import it as a new tunnel.</source>
        <translation>%1 enthält einen Pre-Shared-Key im Klartext. Tulle bewahrt ihn nur in Ihrem Schlüsselbund auf: Entfernen Sie die Datei und importieren Sie sie als neuen Tunnel.</translation>
    </message>
    <message>
        <source>Could not create the folder %1.</source>
        <translation>Der Ordner %1 konnte nicht erstellt werden.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 has no private key.</source>
        <translation>Tunnel %1 hat keinen privaten Schlüssel.</translation>
    </message>
    <message>
        <source>Tunnel %1 has PreUp, PostUp, PreDown or PostDown commands, which only system tunnels may have.</source>
        <translation>Tunnel %1 enthält PreUp-, PostUp-, PreDown- oder PostDown-Befehle, die nur Systemtunnel haben dürfen.</translation>
    </message>
    <message>
        <source>Tunnel %1 was not saved: its keys could not be stored in your keychain (%2). Tulle never keeps them in plain files.</source>
        <translation>Tunnel %1 wurde nicht gespeichert: Seine Schlüssel konnten nicht in Ihrem Schlüsselbund abgelegt werden (%2). Tulle speichert sie nie in einfachen Dateien.</translation>
    </message>
    <message>
        <source>The private key of tunnel %1 is not in your keychain. Import the tunnel again, or remove it.</source>
        <translation>Der private Schlüssel von Tunnel %1 ist nicht in Ihrem Schlüsselbund. Importieren Sie den Tunnel erneut oder entfernen Sie ihn.</translation>
    </message>
    <message>
        <source>Could not read the keys of tunnel %1 from your keychain: %2.</source>
        <translation>Die Schlüssel von Tunnel %1 konnten nicht aus Ihrem Schlüsselbund gelesen werden: %2.</translation>
    </message>
    <message>
        <source>The keychain entry of tunnel %1 is damaged. Import the tunnel again, or remove it.</source>
        <translation>Der Schlüsselbund-Eintrag von Tunnel %1 ist beschädigt. Importieren Sie den Tunnel erneut oder entfernen Sie ihn.</translation>
    </message>
    <message>
        <source>Tunnel %1 was not removed: its keys could not be removed from your keychain (%2).</source>
        <translation>Tunnel %1 wurde nicht entfernt: Seine Schlüssel konnten nicht aus Ihrem Schlüsselbund entfernt werden (%2).</translation>
    </message>
    <message>
        <source>Could not remove %1: %2</source>
        <translation>%1 konnte nicht entfernt werden: %2</translation>
    </message>
    <message>
        <source>There is already a tunnel named %1.</source>
        <translation>Es gibt bereits einen Tunnel namens %1.</translation>
    </message>
    <message>
        <source>Tunnel %1 was not renamed to %2: %3</source>
        <translation>Tunnel %1 wurde nicht in %2 umbenannt: %3</translation>
    </message>
    <message>
        <source>its private key is not in your keychain.</source>
        <translation>sein privater Schlüssel ist nicht in Ihrem Schlüsselbund.</translation>
    </message>
    <message>
        <source>its keys could not be read from your keychain (%1).</source>
        <translation>seine Schlüssel konnten nicht aus Ihrem Schlüsselbund gelesen werden (%1).</translation>
    </message>
    <message>
        <source>its keys could not be stored in your keychain (%1).</source>
        <translation>seine Schlüssel konnten nicht in Ihrem Schlüsselbund abgelegt werden (%1).</translation>
    </message>
    <message>
        <source>Tunnel %1 is now %2, but its old entry could not be removed from your keychain (%3).</source>
        <translation>Tunnel %1 heißt jetzt %2, aber sein alter Eintrag konnte nicht aus Ihrem Schlüsselbund entfernt werden (%3).</translation>
    </message>
    <message>
        <source>No keychain is available (%1). Tulle keeps the private keys of your own tunnels only in a keychain, a Secret Service such as GNOME Keyring or KWallet: start one, or keep the tunnel as a system tunnel instead.</source>
        <translation>Kein Schlüsselbund verfügbar (%1). Tulle bewahrt die privaten Schlüssel Ihrer eigenen Tunnel nur in einem Schlüsselbund auf, einem Secret Service wie GNOME Keyring oder KWallet: Starten Sie einen, oder speichern Sie den Tunnel stattdessen als Systemtunnel.</translation>
    </message>
</context>
<context>
    <name>tulle::app::LogsPage</name>
    <message>
        <source>Debug and above</source>
        <translation>Debug und höher</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info und höher</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>Alles</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Keep the newest line in view</source>
        <translation>Die neueste Zeile im Blick behalten</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>&amp;Level:</translation>
    </message>
    <message>
        <source>Save the log</source>
        <translation>Protokoll speichern</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt)</source>
        <translation>Protokolldateien (*.log *.txt)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>F&amp;ollow</source>
        <translation>&amp;Folgen</translation>
    </message>
    <message>
        <source>Save &amp;as…</source>
        <translation>Speichern &amp;unter…</translation>
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
        <translation>&amp;Tunnel</translation>
    </message>
    <message>
        <source>&amp;Peers</source>
        <translation>&amp;Peers</translation>
    </message>
    <message>
        <source>T&amp;hroughput</source>
        <translation>D&amp;urchsatz</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>P&amp;rotokoll</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Import tunnel from file…</source>
        <translation>Tunnel aus Datei &amp;importieren…</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>Fenster &amp;schließen</translation>
    </message>
    <message>
        <source>&amp;Quit Tulle</source>
        <translation>Tulle &amp;beenden</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Start Tulle at login</source>
        <translation>Tulle bei der Anmeldung &amp;starten</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>Bei der Anmeldung starten</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Tulle</source>
        <translation>&amp;Über Tulle</translation>
    </message>
    <message>
        <source>About Tulle</source>
        <translation>Über Tulle</translation>
    </message>
    <message>
        <source>This desktop has no system tray, so Tulle shows its window instead. Closing the window quits the app; tunnels keep running in tulled.</source>
        <translation>Diese Arbeitsumgebung hat keinen Infobereich (System Tray), daher zeigt Tulle stattdessen sein Fenster. Wenn Sie das Fenster schließen, wird die App beendet; die Tunnel laufen in tulled weiter.</translation>
    </message>
    <message>
        <source>Connected to %1.</source>
        <translation>Verbunden mit %1.</translation>
    </message>
    <message>
        <source>Connecting to tulled…</source>
        <translation>Verbindung zu tulled wird hergestellt…</translation>
    </message>
    <message>
        <source>%1
Tulle tries again every few seconds.</source>
        <translation>%1
Tulle versucht es alle paar Sekunden erneut.</translation>
    </message>
    <message>
        <source>Tunnels</source>
        <translation>Tunnel</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>Peers</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Networks</source>
        <translation>Netzwerke</translation>
    </message>
    <message>
        <source>&amp;Networks</source>
        <translation>&amp;Netzwerke</translation>
    </message>
    <message>
        <source>the MIT licence</source>
        <translation>der MIT-Lizenz</translation>
    </message>
    <message>
        <source>the &lt;a href=&quot;%1&quot;&gt;MIT licence&lt;/a&gt;</source>
        <translation>der &lt;a href=&quot;%1&quot;&gt;MIT-Lizenz&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Tulle %1&lt;/b&gt;&lt;br&gt;WireGuard tunnels for your desktop.&lt;/p&gt;&lt;p&gt;Copyright 2026 The Tulle developers.&lt;br&gt;Tulle is free software under %2: Show Details has its text.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Tulle %1&lt;/b&gt;&lt;br&gt;WireGuard-Tunnel für Ihren Desktop.&lt;/p&gt;&lt;p&gt;Copyright 2026 Die Tulle-Entwickler.&lt;br&gt;Tulle ist freie Software unter %2: Details anzeigen enthält ihren Text.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>tulle::app::MemberTableModel</name>
    <message>
        <source>Public key: %1</source>
        <translation>Öffentlicher Schlüssel: %1</translation>
    </message>
    <message>
        <source>lighthouse</source>
        <translation>Leuchtturm</translation>
    </message>
    <message>
        <source>this node</source>
        <translation>dieser Knoten</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Weg</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
</context>
<context>
    <name>tulle::app::NetworkListModel</name>
    <message>
        <source>joining…</source>
        <translation>tritt bei…</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>offline: %1</source>
        <translation>offline: %1</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>lighthouse</source>
        <translation>Leuchtturm</translation>
    </message>
    <message>
        <source>member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>This node</source>
        <translation>Dieser Knoten</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
</context>
<context>
    <name>tulle::app::NetworksPage</name>
    <message>
        <source>C&amp;reate network…</source>
        <translation>Netzwerk e&amp;rstellen…</translation>
    </message>
    <message>
        <source>&amp;Join…</source>
        <translation>&amp;Beitreten…</translation>
    </message>
    <message>
        <source>&amp;Invite…</source>
        <translation>Ein&amp;laden…</translation>
    </message>
    <message>
        <source>Re&amp;move member</source>
        <translation>Mitglied ent&amp;fernen</translation>
    </message>
    <message>
        <source>&amp;Leave network</source>
        <translation>Netzwerk &amp;verlassen</translation>
    </message>
    <message>
        <source>No networks yet. Create one with &quot;Create network…&quot; (this computer becomes its lighthouse), or join one with an invite you were sent.</source>
        <translation>Noch keine Netzwerke. Erstellen Sie eines mit „Netzwerk erstellen…“ (dieser Computer wird sein Leuchtturm), oder treten Sie mit einer erhaltenen Einladung einem bei.</translation>
    </message>
    <message>
        <source>tulled did not list its networks: %1</source>
        <translation>tulled hat seine Netzwerke nicht aufgelistet: %1</translation>
    </message>
    <message>
        <source>Members of %1: %2</source>
        <translation>Mitglieder von %1: %2</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Mitglieder von %1</translation>
    </message>
    <message>
        <source>%1 is %2</source>
        <translation>%1 ist %2</translation>
    </message>
    <message>
        <source>Network %1 created; this computer is its lighthouse. Invite members with &quot;Invite…&quot;.</source>
        <translation>Netzwerk %1 erstellt; dieser Computer ist sein Leuchtturm. Laden Sie Mitglieder mit „Einladen…“ ein.</translation>
    </message>
    <message>
        <source>Invite to %1 made.</source>
        <translation>Einladung zu %1 erstellt.</translation>
    </message>
    <message>
        <source>Joined %1.</source>
        <translation>%1 beigetreten.</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>Mitglied entfernen</translation>
    </message>
    <message>
        <source>Remove %1 from %2? Every member stops talking to it at once, and it cannot come back without a new invite.</source>
        <translation>%1 aus %2 entfernen? Alle Mitglieder beenden sofort die Verbindung zu ihm, und es kann nur mit einer neuen Einladung zurückkehren.</translation>
    </message>
    <message>
        <source>tulled refused to remove %1: %2</source>
        <translation>tulled hat das Entfernen von %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>%1 removed from %2.</source>
        <translation>%1 aus %2 entfernt.</translation>
    </message>
    <message>
        <source>Leave %1? This computer is its lighthouse and holds its key: leaving deletes the network, and its members can no longer reach each other through it.</source>
        <translation>%1 verlassen? Dieser Computer ist sein Leuchtturm und hält seinen Schlüssel: Beim Verlassen wird das Netzwerk gelöscht, und seine Mitglieder können einander darüber nicht mehr erreichen.</translation>
    </message>
    <message>
        <source>Leave %1? Its tunnel goes down and this computer&apos;s membership is deleted; joining again needs a new invite.</source>
        <translation>%1 verlassen? Sein Tunnel wird getrennt und die Mitgliedschaft dieses Computers gelöscht; ein erneuter Beitritt braucht eine neue Einladung.</translation>
    </message>
    <message>
        <source>Leave network</source>
        <translation>Netzwerk verlassen</translation>
    </message>
    <message>
        <source>tulled refused to leave %1: %2</source>
        <translation>tulled hat das Verlassen von %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>Left %1.</source>
        <translation>%1 verlassen.</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerEditor</name>
    <message>
        <source>Add a peer to %1</source>
        <translation>Peer zu %1 hinzufügen</translation>
    </message>
    <message>
        <source>Edit peer %1 of %2</source>
        <translation>Peer %1 von %2 bearbeiten</translation>
    </message>
    <message>
        <source>set (hidden); type a new one to replace it</source>
        <translation>gesetzt (verborgen); zum Ersetzen einen neuen eingeben</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keiner</translation>
    </message>
    <message>
        <source>laptop</source>
        <translation>Laptop</translation>
    </message>
    <message>
        <source>44 characters of base64, ending in =</source>
        <translation>44 Base64-Zeichen, endet auf =</translation>
    </message>
    <message>
        <source>vpn.example.com:51820 or [2001:db8::1]:51820 (optional)</source>
        <translation>vpn.example.com:51820 oder [2001:db8::1]:51820 (optional)</translation>
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
        <translation>aus</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
    <message>
        <source>Remove the preshared key</source>
        <translation>Pre-Shared-Key entfernen</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Public key:</source>
        <translation>Ö&amp;ffentlicher Schlüssel:</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpoint:</translation>
    </message>
    <message>
        <source>&amp;Allowed IPs:</source>
        <translation>Erlaubte &amp;IPs:</translation>
    </message>
    <message>
        <source>&amp;Keepalive:</source>
        <translation>&amp;Keepalive:</translation>
    </message>
    <message>
        <source>Pre&amp;shared key:</source>
        <translation>&amp;Pre-Shared-Key:</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wird angewendet…</translation>
    </message>
    <message>
        <source>tulled refused it: %1</source>
        <translation>tulled hat abgelehnt: %1</translation>
    </message>
    <message>
        <source>Applied to the running tunnel.</source>
        <translation>Auf den laufenden Tunnel angewendet.</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerForm</name>
    <message>
        <source>A name may have at most %1 characters.</source>
        <translation>Ein Name darf höchstens %1 Zeichen haben.</translation>
    </message>
    <message>
        <source>A name cannot contain control characters.</source>
        <translation>Ein Name darf keine Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>Enter the peer&apos;s public key (44 characters, from &quot;wg pubkey&quot; or the peer&apos;s app).</source>
        <translation>Geben Sie den öffentlichen Schlüssel des Peers ein (44 Zeichen, aus „wg pubkey“ oder der App des Peers).</translation>
    </message>
    <message>
        <source>An all-zero key is not a public key.</source>
        <translation>Ein Schlüssel aus lauter Nullen ist kein öffentlicher Schlüssel.</translation>
    </message>
    <message>
        <source>This is the tunnel&apos;s own public key; enter the peer&apos;s.</source>
        <translation>Das ist der eigene öffentliche Schlüssel des Tunnels; geben Sie den des Peers ein.</translation>
    </message>
    <message>
        <source>The tunnel already has a peer with this key.</source>
        <translation>Der Tunnel hat bereits einen Peer mit diesem Schlüssel.</translation>
    </message>
    <message>
        <source>Put an IPv6 address in brackets: [2001:db8::1]:51820.</source>
        <translation>Setzen Sie eine IPv6-Adresse in eckige Klammern: [2001:db8::1]:51820.</translation>
    </message>
    <message>
        <source>Entry %1 is empty; remove the extra comma.</source>
        <translation>Eintrag %1 ist leer; entfernen Sie das überzählige Komma.</translation>
    </message>
    <message>
        <source>Enter seconds from 0 (off) to 65535; 25 keeps most NATs open.</source>
        <translation>Geben Sie Sekunden von 0 (aus) bis 65535 ein; 25 hält die meisten NATs offen.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Public key</source>
        <translation>Öffentlicher Schlüssel</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Endpoint</translation>
    </message>
    <message>
        <source>Allowed IPs</source>
        <translation>Erlaubte IPs</translation>
    </message>
    <message>
        <source>Persistent keepalive</source>
        <translation>Persistent Keepalive</translation>
    </message>
    <message>
        <source>Preshared key</source>
        <translation>Pre-Shared-Key</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerTableModel</name>
    <message>
        <source>Public key: %1</source>
        <translation>Öffentlicher Schlüssel: %1</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(unbekannt)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Endpoint</translation>
    </message>
    <message>
        <source>Allowed IPs</source>
        <translation>Erlaubte IPs</translation>
    </message>
    <message>
        <source>Latest handshake</source>
        <translation>Letzter Handshake</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Receiving</source>
        <translation>Empfangsrate</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Senderate</translation>
    </message>
    <message>
        <source>direct %1</source>
        <translation>direkt %1</translation>
    </message>
    <message>
        <source>lan %1</source>
        <translation>LAN %1</translation>
    </message>
    <message>
        <source>relay via %1</source>
        <translation>Relais über %1</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Weg</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeersPage</name>
    <message>
        <source>&amp;Add peer…</source>
        <translation>Peer hin&amp;zufügen…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>Ent&amp;fernen</translation>
    </message>
    <message>
        <source>Filter by name, endpoint or allowed IPs</source>
        <translation>Nach Name, Endpoint oder erlaubten IPs filtern</translation>
    </message>
    <message>
        <source>&amp;Tunnel:</source>
        <translation>&amp;Tunnel:</translation>
    </message>
    <message>
        <source>Tunnel %1 has no peers yet. Add one with &quot;Add peer…&quot;.</source>
        <translation>Tunnel %1 hat noch keine Peers. Fügen Sie mit „Peer hinzufügen…“ einen hinzu.</translation>
    </message>
    <message>
        <source>No tunnel is up. Bring one up on the Tunnels page to see its peers here.</source>
        <translation>Kein Tunnel ist aktiv. Aktivieren Sie einen auf der Seite „Tunnel“, um hier seine Peers zu sehen.</translation>
    </message>
    <message>
        <source>Peer added to %1.</source>
        <translation>Peer zu %1 hinzugefügt.</translation>
    </message>
    <message>
        <source>Peer of %1 changed.</source>
        <translation>Peer von %1 geändert.</translation>
    </message>
    <message>
        <source>Remove peer</source>
        <translation>Peer entfernen</translation>
    </message>
    <message>
        <source>Remove peer %1 from the running tunnel %2? Traffic to its allowed IPs stops at once.</source>
        <translation>Peer %1 aus dem laufenden Tunnel %2 entfernen? Der Datenverkehr zu seinen erlaubten IPs stoppt sofort.</translation>
    </message>
    <message>
        <source>tulled refused to remove %1: %2</source>
        <translation>tulled hat das Entfernen von %1 abgelehnt: %2</translation>
    </message>
    <message>
        <source>Peer %1 removed from %2.</source>
        <translation>Peer %1 aus %2 entfernt.</translation>
    </message>
</context>
<context>
    <name>tulle::app::QrExportDialog</name>
    <message>
        <source>Reach this machine at: </source>
        <translation>Diesen Rechner erreichen unter: </translation>
    </message>
    <message>
        <source>Address in the tunnel: </source>
        <translation>Adresse im Tunnel: </translation>
    </message>
    <message>
        <source>Name: </source>
        <translation>Name: </translation>
    </message>
    <message>
        <source>Send &amp;everything through the tunnel</source>
        <translation>&amp;Alles durch den Tunnel senden</translation>
    </message>
    <message>
        <source>&amp;Add peer</source>
        <translation>Peer &amp;hinzufügen</translation>
    </message>
    <message>
        <source>QR code for a phone: %1</source>
        <translation>QR-Code für ein Telefon: %1</translation>
    </message>
    <message>
        <source>vpn.example.com or 203.0.113.7:51820</source>
        <translation>vpn.example.com oder 203.0.113.7:51820</translation>
    </message>
    <message>
        <source>the first free one</source>
        <translation>die erste freie</translation>
    </message>
    <message>
        <source>AllowedIPs = 0.0.0.0/0, ::/0 instead of the tunnel&apos;s networks</source>
        <translation>AllowedIPs = 0.0.0.0/0, ::/0 statt der Netze des Tunnels</translation>
    </message>
    <message>
        <source>Adds a new peer to %1 and shows its configuration for the WireGuard app on a phone. The key pair is made here; tulled never sees the private key.</source>
        <translation>Fügt %1 einen neuen Peer hinzu und zeigt seine Konfiguration für die WireGuard-App auf einem Telefon. Das Schlüsselpaar entsteht hier; tulled sieht den privaten Schlüssel nie.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Reach this machine at:</source>
        <translation>Diesen Rechner &amp;erreichen unter:</translation>
    </message>
    <message>
        <source>A&amp;ddress in the tunnel:</source>
        <translation>A&amp;dresse im Tunnel:</translation>
    </message>
    <message>
        <source>Shown once: Tulle keeps no copy of this private key. Scan or save it now; closing this window forgets it.</source>
        <translation>Nur einmal angezeigt: Tulle behält keine Kopie dieses privaten Schlüssels. Scannen oder speichern Sie ihn jetzt; beim Schließen dieses Fensters wird er vergessen.</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>&amp;Speichern…</translation>
    </message>
    <message>
        <source>Save %1</source>
        <translation>%1 speichern</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf)</source>
        <translation>WireGuard-Tunnel (*.conf)</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>In %1 gespeichert.</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>Adresse: %1</translation>
    </message>
    <message>
        <source>Adding the peer…</source>
        <translation>Der Peer wird hinzugefügt…</translation>
    </message>
    <message>
        <source>tulled refused it: %1</source>
        <translation>tulled hat abgelehnt: %1</translation>
    </message>
    <message>
        <source>Added to %1. Scan the code with the WireGuard app (+, then Scan from QR code).</source>
        <translation>Zu %1 hinzugefügt. Scannen Sie den Code mit der WireGuard-App (+, dann „Scan from QR code“).</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>%1 konnte nicht gespeichert werden: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::ThroughputPage</name>
    <message>
        <source>Last minute</source>
        <translation>Letzte Minute</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>Letzte 10 Minuten</translation>
    </message>
    <message>
        <source>Receive</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>seconds ago</source>
        <translation>Sekunden zuvor</translation>
    </message>
    <message>
        <source>&amp;Tunnel:</source>
        <translation>&amp;Tunnel:</translation>
    </message>
    <message>
        <source>&amp;Range:</source>
        <translation>&amp;Zeitraum:</translation>
    </message>
    <message>
        <source>No peer selected</source>
        <translation>Kein Peer ausgewählt</translation>
    </message>
    <message>
        <source>No tunnel is up.</source>
        <translation>Kein Tunnel ist aktiv.</translation>
    </message>
    <message>
        <source>Pick a peer.</source>
        <translation>Wählen Sie einen Peer.</translation>
    </message>
    <message>
        <source>Now: receiving %1, sending %2 · Total: received %3, sent %4</source>
        <translation>Aktuell: Empfang %1, Senden %2 · Gesamt: empfangen %3, gesendet %4</translation>
    </message>
</context>
<context>
    <name>tulle::app::Tray</name>
    <message>
        <source>%1 is up</source>
        <translation>%1 ist aktiv</translation>
    </message>
    <message>
        <source>Tunnel %1 is connected.</source>
        <translation>Tunnel %1 ist verbunden.</translation>
    </message>
    <message>
        <source>%1 is down</source>
        <translation>%1 ist inaktiv</translation>
    </message>
    <message>
        <source>Tunnel %1 was turned off.</source>
        <translation>Tunnel %1 wurde ausgeschaltet.</translation>
    </message>
    <message>
        <source>No handshake with %1</source>
        <translation>Kein Handshake mit %1</translation>
    </message>
    <message>
        <source>Tunnel %1 keeps trying to reach peer %2 without an answer. Check its endpoint and keys.</source>
        <translation>Tunnel %1 versucht weiterhin, Peer %2 zu erreichen, erhält aber keine Antwort. Prüfen Sie dessen Endpoint und Schlüssel.</translation>
    </message>
    <message>
        <source>Connecting to tulled…</source>
        <translation>Verbindung zu tulled wird hergestellt…</translation>
    </message>
    <message>
        <source>No tunnels yet</source>
        <translation>Noch keine Tunnel</translation>
    </message>
    <message>
        <source>Open Tulle</source>
        <translation>Tulle öffnen</translation>
    </message>
    <message>
        <source>Import tunnel from file…</source>
        <translation>Tunnel aus Datei importieren…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>no tunnel is up</source>
        <translation>kein Tunnel aktiv</translation>
    </message>
    <message>
        <source>waiting for handshakes</source>
        <translation>warte auf Handshakes</translation>
    </message>
    <message>
        <source>connecting to tulled</source>
        <translation>verbinde mit tulled</translation>
    </message>
    <message numerus="yes">
        <source>%n tunnel(s) up</source>
        <translation>
            <numerusform>%n Tunnel aktiv</numerusform>
            <numerusform>%n Tunnel aktiv</numerusform>
        </translation>
    </message>
    <message>
        <source>a peer does not answer</source>
        <translation>ein Peer antwortet nicht</translation>
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
        <translation>tulled ist eine andere Version</translation>
    </message>
    <message>
        <source>tulled is not reachable</source>
        <translation>tulled ist nicht erreichbar</translation>
    </message>
    <message>
        <source>%1 (not saved)</source>
        <translation>%1 (nicht gespeichert)</translation>
    </message>
    <message>
        <source>Not saved: gone after tulled restarts</source>
        <translation>Nicht gespeichert: nach einem Neustart von tulled weg</translation>
    </message>
    <message>
        <source>%1 did not come up</source>
        <translation>%1 wurde nicht aktiviert</translation>
    </message>
    <message>
        <source>%1 did not go down</source>
        <translation>%1 wurde nicht getrennt</translation>
    </message>
    <message>
        <source>%1: %2, %3 relayed</source>
        <translation>%1: %2, %3 über Relais</translation>
    </message>
    <message numerus="yes">
        <source>%n peer(s)</source>
        <translation>
            <numerusform>%n Peer</numerusform>
            <numerusform>%n Peers</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelActions</name>
    <message>
        <source>No keychain</source>
        <translation>Kein Schlüsselbund</translation>
    </message>
    <message>
        <source>%1

Tulle keeps private keys only in your keychain, never in plain files. You can keep &quot;%2&quot; as a system tunnel instead: tulled stores it in /etc/tulle, readable by root only, and every member of the group &quot;tulle&quot; can bring it up.

Save &quot;%2&quot; as a system tunnel?</source>
        <translation>%1

Tulle bewahrt private Schlüssel nur in Ihrem Schlüsselbund auf, nie in einfachen Dateien. Sie können „%2“ stattdessen als Systemtunnel speichern: tulled legt ihn in /etc/tulle ab, nur für root lesbar, und jedes Mitglied der Gruppe „tulle“ kann ihn aktivieren.

„%2“ als Systemtunnel speichern?</translation>
    </message>
    <message>
        <source>Tunnel %1 is down.</source>
        <translation>Tunnel %1 ist deaktiviert.</translation>
    </message>
    <message>
        <source>Could not bring %1 down: %2</source>
        <translation>%1 konnte nicht deaktiviert werden: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 is up.</source>
        <translation>Tunnel %1 ist aktiv.</translation>
    </message>
    <message>
        <source>Could not bring %1 up: %2</source>
        <translation>%1 konnte nicht aktiviert werden: %2</translation>
    </message>
    <message>
        <source>Import tunnel from file</source>
        <translation>Tunnel aus Datei importieren</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf);;All files (*)</source>
        <translation>WireGuard-Tunnel (*.conf);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import tunnel</source>
        <translation>Tunnel importieren</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>%1 kann nicht importiert werden:
%2</translation>
    </message>
    <message>
        <source>Name for the imported tunnel (1 to 15 letters, digits, or _=+.-):</source>
        <translation>Name für den importierten Tunnel (1 bis 15 Zeichen: Buchstaben A–Z und a–z, Ziffern oder _=+.-):</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be a tunnel name: %2</source>
        <translation>„%1“ kann kein Tunnelname sein: %2</translation>
    </message>
    <message>
        <source>A tunnel named %1 exists already.</source>
        <translation>Ein Tunnel namens %1 existiert bereits.</translation>
    </message>
    <message>
        <source>%1 was not saved: %2</source>
        <translation>%1 wurde nicht gespeichert: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 saved; its keys are in your keychain.</source>
        <translation>Tunnel %1 gespeichert; seine Schlüssel liegen in Ihrem Schlüsselbund.</translation>
    </message>
    <message>
        <source>Tunnel %1 saved as a system tunnel.</source>
        <translation>Tunnel %1 als Systemtunnel gespeichert.</translation>
    </message>
    <message>
        <source>tulled did not save %1: %2</source>
        <translation>tulled hat %1 nicht gespeichert: %2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>Nach %1 exportiert.</translation>
    </message>
    <message>
        <source>Could not export %1: %2</source>
        <translation>%1 konnte nicht exportiert werden: %2</translation>
    </message>
    <message>
        <source>Tunnel %1 is not running; tulled shows a system tunnel&apos;s settings only while it is up.</source>
        <translation>Tunnel %1 läuft nicht; tulled zeigt die Einstellungen eines Systemtunnels nur, solange er aktiv ist.</translation>
    </message>
    <message>
        <source>%1 is a system tunnel; root removes it with sudo rm /etc/tulle/%1.conf</source>
        <translation>%1 ist ein Systemtunnel; root entfernt ihn mit sudo rm /etc/tulle/%1.conf</translation>
    </message>
    <message>
        <source>Tunnel %1 deleted.</source>
        <translation>Tunnel %1 gelöscht.</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Bring %1 down before renaming it.</source>
        <translation>Deaktivieren Sie %1, bevor Sie ihn umbenennen.</translation>
    </message>
    <message>
        <source>%1 is now called %2.</source>
        <translation>%1 heißt jetzt %2.</translation>
    </message>
    <message>
        <source>Could not rename %1: %2</source>
        <translation>%1 konnte nicht umbenannt werden: %2</translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelListModel</name>
    <message>
        <source>Up</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Down (your profile)</source>
        <translation>Inaktiv (Ihr Profil)</translation>
    </message>
    <message>
        <source>Down (system tunnel)</source>
        <translation>Inaktiv (Systemtunnel)</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Inaktiv</translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation>Tunnel</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Adressen</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>Peers</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Empfangen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelsPage</name>
    <message>
        <source>Create a tunnel</source>
        <translation>Tunnel erstellen</translation>
    </message>
    <message>
        <source>home</source>
        <translation>zuhause</translation>
    </message>
    <message>
        <source>10.0.0.1/24, fd00::1/64</source>
        <translation>10.0.0.1/24, fd00::1/64</translation>
    </message>
    <message>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <source>optional: 10.0.0.53</source>
        <translation>optional: 10.0.0.53</translation>
    </message>
    <message>
        <source>%1 (through %2)</source>
        <translation>%1 (über %2)</translation>
    </message>
    <message>
        <source>%1 (not applied: %2)</source>
        <translation>%1 (nicht angewendet: %2)</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Addresses:</source>
        <translation>Ad&amp;ressen:</translation>
    </message>
    <message>
        <source>&amp;Listen port:</source>
        <translation>Listen-&amp;Port:</translation>
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
        <translation>Es wird ein neues Schlüsselpaar erzeugt; der private Schlüssel kommt in Ihren Schlüsselbund.</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>Name: %1</translation>
    </message>
    <message>
        <source>Addresses: %1: %2</source>
        <translation>Adressen: %1: %2</translation>
    </message>
    <message>
        <source>DNS: %1: %2</source>
        <translation>DNS: %1: %2</translation>
    </message>
    <message>
        <source>MTU: at least %1, or automatic.</source>
        <translation>MTU: mindestens %1 oder automatisch.</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Copy the public key: give it to the peers of this tunnel</source>
        <translation>Öffentlichen Schlüssel kopieren: Geben Sie ihn an die Peers dieses Tunnels weiter</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Public key:</source>
        <translation>Öffentlicher Schlüssel:</translation>
    </message>
    <message>
        <source>Addresses:</source>
        <translation>Adressen:</translation>
    </message>
    <message>
        <source>Listen port:</source>
        <translation>Listen-Port:</translation>
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
        <translation>Ers&amp;tellen…</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>No tunnels yet</source>
        <translation>Noch keine Tunnel</translation>
    </message>
    <message>
        <source>Create a tunnel, or import a WireGuard .conf file.</source>
        <translation>Erstellen Sie einen Tunnel oder importieren Sie eine WireGuard-.conf-Datei.</translation>
    </message>
    <message>
        <source>&amp;Turn on</source>
        <translation>Eins&amp;chalten</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Inaktiv</translation>
    </message>
    <message>
        <source>&amp;Turn off</source>
        <translation>Auss&amp;chalten</translation>
    </message>
    <message>
        <source>A system tunnel belongs to root: remove /etc/tulle/%1.conf as root.</source>
        <translation>Ein Systemtunnel gehört root: Entfernen Sie /etc/tulle/%1.conf als root.</translation>
    </message>
    <message>
        <source>Your profile: settings in your folder, keys in your keychain.</source>
        <translation>Ihr Profil: Einstellungen in Ihrem Ordner, Schlüssel in Ihrem Schlüsselbund.</translation>
    </message>
    <message>
        <source>System tunnel, kept by tulled in /etc/tulle%1.</source>
        <translation>Systemtunnel, von tulled in /etc/tulle verwaltet%1.</translation>
    </message>
    <message>
        <source>, started at boot</source>
        <translation>, wird beim Systemstart gestartet</translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation>Tunnel</translation>
    </message>
    <message>
        <source>A tunnel named %1 exists already.</source>
        <translation>Ein Tunnel namens %1 existiert bereits.</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>%1 exportieren</translation>
    </message>
    <message>
        <source>Include the private key and preshared keys? Anyone who has the file can then act as this tunnel.</source>
        <translation>Privaten Schlüssel und Pre-Shared-Keys einschließen? Dann kann jeder, der die Datei hat, als dieser Tunnel auftreten.</translation>
    </message>
    <message>
        <source>Without keys</source>
        <translation>Ohne Schlüssel</translation>
    </message>
    <message>
        <source>With keys</source>
        <translation>Mit Schlüsseln</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf)</source>
        <translation>WireGuard-Tunnel (*.conf)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Rename %1</source>
        <translation>%1 umbenennen</translation>
    </message>
    <message>
        <source>New name (1 to 15 letters, digits, or _=+.-):</source>
        <translation>Neuer Name (1 bis 15 Zeichen: Buchstaben A–Z und a–z, Ziffern oder _=+.-):</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>%1 löschen</translation>
    </message>
    <message>
        <source>Delete tunnel %1 and its keys? This cannot be undone; export it first to keep a copy.</source>
        <translation>Tunnel %1 und seine Schlüssel löschen? Dies kann nicht rückgängig gemacht werden; exportieren Sie ihn vorher, um eine Kopie zu behalten.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
        <source>Del&amp;ete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>&amp;Block untunneled traffic</source>
        <translation>Ungetunnelten &amp;Verkehr blockieren</translation>
    </message>
    <message>
        <source>Kill switch: while this tunnel is on, nothing leaves this computer except through it (its own connection to the peers, DHCP and the local network&apos;s neighbour discovery excepted). Only for a tunnel that takes all traffic (AllowedIPs 0.0.0.0/0 or ::/0); it applies the next time the tunnel is turned on.</source>
        <translation>Kill switch: Solange dieser Tunnel eingeschaltet ist, verlässt nichts diesen Computer außer durch ihn (ausgenommen seine eigene Verbindung zu den Peers, DHCP und die Nachbarerkennung im lokalen Netz). Nur für einen Tunnel, der den gesamten Verkehr übernimmt (AllowedIPs 0.0.0.0/0 oder ::/0); gilt ab dem nächsten Einschalten des Tunnels.</translation>
    </message>
    <message>
        <source>To a &amp;file…</source>
        <translation>In eine &amp;Datei…</translation>
    </message>
    <message>
        <source>&amp;QR code for a phone…</source>
        <translation>&amp;QR-Code für ein Telefon…</translation>
    </message>
    <message>
        <source>Started by another program (tullectl); not saved: tulled keeps it, on or off, until it is deleted — gone after tulled restarts.</source>
        <translation>Von einem anderen Programm gestartet (tullectl); nicht gespeichert: tulled behält ihn, aktiv oder nicht, bis er gelöscht wird — nach einem Neustart von tulled ist er weg.</translation>
    </message>
</context>
</TS>
