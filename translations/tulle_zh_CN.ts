<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>JoinDialog</name>
    <message>
        <source>Paste an invite: one line that starts with TULLE1:.</source>
        <translation>粘贴邀请：以 TULLE1: 开头的一行。</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is larger than 1 MiB; a tunnel file is a few hundred bytes.</source>
        <translation>%1 大于 1 MiB；隧道文件通常只有几百字节。</translation>
    </message>
</context>
<context>
    <name>format</name>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message>
        <source>%1 min %2 s ago</source>
        <translation>%1 分 %2 秒前</translation>
    </message>
    <message>
        <source>%1 h %2 min ago</source>
        <translation>%1 小时 %2 分钟前</translation>
    </message>
    <message>
        <source>%1 d %2 h ago</source>
        <translation>%1 天 %2 小时前</translation>
    </message>
</context>
<context>
    <name>tulle::app::Autostart</name>
    <message>
        <source>Cannot remove %1.</source>
        <translation>无法删除 %1。</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>tulle::app::CreateNetworkDialog</name>
    <message>
        <source>Crea&amp;te</source>
        <translation>创建(&amp;T)</translation>
    </message>
    <message>
        <source>Create a network</source>
        <translation>创建网络</translation>
    </message>
    <message>
        <source>This computer becomes the network&apos;s lighthouse: it admits members with invites and tells them where the others are. Members must reach it at one of its endpoints.</source>
        <translation>这台计算机将成为网络的灯塔：它通过邀请接纳成员，并告诉成员其他成员在哪里。成员必须能通过它的某个端点访问它。</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>Address &amp;range:</source>
        <translation>地址范围(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Endpoints:</source>
        <translation>端点(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>home</source>
        <translation>home</translation>
    </message>
    <message>
        <source>vpn.example.net:51820, 198.51.100.7:51820</source>
        <translation>vpn.example.net:51820, 198.51.100.7:51820</translation>
    </message>
    <message>
        <source>the first endpoint&apos;s</source>
        <translation>与第一个端点相同</translation>
    </message>
    <message>
        <source>Where members reach this computer: HOST:PORT, such as vpn.example.net:51820.</source>
        <translation>成员访问这台计算机的地址：主机:端口，例如 vpn.example.net:51820。</translation>
    </message>
    <message>
        <source>At most %1 endpoints.</source>
        <translation>最多 %1 个端点。</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>A port is a number from 1 to 65535.</source>
        <translation>端口是 1 到 65535 之间的数字。</translation>
    </message>
    <message>
        <source>Creating %1…</source>
        <translation>正在创建 %1…</translation>
    </message>
    <message>
        <source>Created %1.</source>
        <translation>已创建 %1。</translation>
    </message>
</context>
<context>
    <name>tulle::app::DaemonLink</name>
    <message>
        <source>The connection to tulled was lost; reconnecting.</source>
        <translation>与 tulled 的连接已断开，正在重新连接。</translation>
    </message>
    <message>
        <source>tulled is not connected.</source>
        <translation>未连接到 tulled。</translation>
    </message>
    <message>
        <source>tulled sent a message over the size limit.</source>
        <translation>tulled 发送的消息超出了大小限制。</translation>
    </message>
    <message>
        <source>tulled is not running: nothing answers on its control socket %1. Start it with &quot;sudo systemctl start tulled&quot;; Tulle connects as soon as it runs.</source>
        <translation>tulled 未运行：其控制套接字 %1 上没有响应。请使用“sudo systemctl start tulled”启动它；tulled 运行后，Tulle 会立即连接。</translation>
    </message>
    <message>
        <source>You may not use tulled&apos;s control socket %1. Add yourself to the group &quot;tulle&quot; (sudo adduser $USER tulle) and log in again.</source>
        <translation>你无权使用 tulled 的控制套接字 %1。请将自己加入“tulle”组（sudo adduser $USER tulle），然后重新登录。</translation>
    </message>
    <message>
        <source>Cannot reach tulled: %1</source>
        <translation>无法连接到 tulled：%1</translation>
    </message>
</context>
<context>
    <name>tulle::app::InviteDialog</name>
    <message>
        <source>Create &amp;invite</source>
        <translation>创建邀请(&amp;I)</translation>
    </message>
    <message>
        <source>Invite to %1</source>
        <translation>邀请加入 %1</translation>
    </message>
    <message>
        <source>the new member&apos;s choice</source>
        <translation>由新成员决定</translation>
    </message>
    <message>
        <source>the first free one</source>
        <translation>第一个空闲地址</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 天</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>A&amp;ddress:</source>
        <translation>地址(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Valid for:</source>
        <translation>有效期(&amp;V)：</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>复制(&amp;Y)</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>名称：%1</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>地址：%1</translation>
    </message>
    <message>
        <source>Address: %1 is outside the network&apos;s range %2.</source>
        <translation>地址：%1 不在网络的地址范围 %2 内。</translation>
    </message>
    <message>
        <source>Asking tulled for an invite…</source>
        <translation>正在向 tulled 请求邀请…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>a new member</source>
        <translation>新成员</translation>
    </message>
    <message>
        <source>This line admits %1 (%2) to %3 once, until %4. Anyone who has it can use it: send it privately. Closing this window forgets it.</source>
        <translation>这一行可让 %1（%2）加入 %3 一次，有效期至 %4。任何拿到它的人都能使用它：请私下发送。关闭此窗口后它将被遗忘。</translation>
    </message>
    <message>
        <source>On the new member: Networks, Join…, and paste the line or scan the code; or tullectl network join.</source>
        <translation>在新成员上：网络，加入…，然后粘贴这一行或扫描二维码；或使用 tullectl network join。</translation>
    </message>
</context>
<context>
    <name>tulle::app::JoinDialog</name>
    <message>
        <source>&amp;Open file…</source>
        <translation>打开文件(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Join</source>
        <translation>加入(&amp;J)</translation>
    </message>
    <message>
        <source>Join a network</source>
        <translation>加入网络</translation>
    </message>
    <message>
        <source>TULLE1:…</source>
        <translation>TULLE1:…</translation>
    </message>
    <message>
        <source>the invite&apos;s, or this computer&apos;s name</source>
        <translation>邀请中的名称，或这台计算机的名称</translation>
    </message>
    <message>
        <source>&amp;Paste the invite you were sent (one line that starts with TULLE1:), or open a file that holds it.</source>
        <translation>粘贴您收到的邀请（以 TULLE1: 开头的一行），或打开包含它的文件(&amp;P)。</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>Open an invite</source>
        <translation>打开邀请</translation>
    </message>
    <message>
        <source>Invites (*.txt);;All files (*)</source>
        <translation>邀请 (*.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>%1 holds no invite: none of its text starts with TULLE1:.</source>
        <translation>%1 中没有邀请：其中没有以 TULLE1: 开头的文本。</translation>
    </message>
    <message>
        <source>Invite read from %1.</source>
        <translation>已从 %1 读取邀请。</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>名称：%1</translation>
    </message>
    <message>
        <source>Redeeming the invite…</source>
        <translation>正在兑现邀请…</translation>
    </message>
    <message>
        <source>tulled refused the invite: %1</source>
        <translation>tulled 拒绝了邀请：%1</translation>
    </message>
    <message>
        <source>Joining %1: asking its lighthouse to admit this computer…</source>
        <translation>正在加入 %1：请求其灯塔接纳这台计算机…</translation>
    </message>
    <message>
        <source>Joined %1. Its members are on the Networks page; tunnel %1 is up.</source>
        <translation>已加入 %1。其成员显示在“网络”页面中；隧道 %1 已连接。</translation>
    </message>
    <message>
        <source>Joined %1, but its lighthouse does not answer now: %2</source>
        <translation>已加入 %1，但其灯塔目前没有响应：%2</translation>
    </message>
    <message>
        <source>Could not join %1: %2</source>
        <translation>无法加入 %1：%2</translation>
    </message>
</context>
<context>
    <name>tulle::app::LocalTunnels</name>
    <message>
        <source>no keychain (Secret Service) is available</source>
        <translation>没有可用的钥匙串（Secret Service）</translation>
    </message>
    <message>
        <source>access to the keychain was denied</source>
        <translation>访问钥匙串被拒绝</translation>
    </message>
    <message>
        <source>the keychain is locked or refused access (%1)</source>
        <translation>钥匙串已锁定或拒绝访问（%1）</translation>
    </message>
    <message>
        <source>unknown keychain error</source>
        <translation>未知的钥匙串错误</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a valid tunnel name: %2.</source>
        <translation>“%1”不是有效的隧道名称：%2。</translation>
    </message>
    <message>
        <source>There is no tunnel named %1.</source>
        <translation>没有名为 %1 的隧道。</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 is too large for a tunnel file.</source>
        <translation>%1 太大，不可能是隧道文件。</translation>
    </message>
    <message>
        <source>%1 holds a private key in plain text. Tulle keeps it in your keychain only: remove the file and import it as a new tunnel.</source>
        <translation>%1 以明文形式保存了私钥。Tulle 只将私钥保存在钥匙串中：请删除该文件，并将其作为新隧道导入。</translation>
    </message>
    <message>
        <source>%1 holds a preshared key in plain text. Tulle keeps it in your keychain only: remove the file and import it as a new tunnel.</source>
        <translation>%1 以明文形式保存了预共享密钥。Tulle 只将预共享密钥保存在钥匙串中：请删除该文件，并将其作为新隧道导入。</translation>
    </message>
    <message>
        <source>Could not create the folder %1.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Tunnel %1 has no private key.</source>
        <translation>隧道 %1 没有私钥。</translation>
    </message>
    <message>
        <source>Tunnel %1 has PreUp, PostUp, PreDown or PostDown commands, which only system tunnels may have.</source>
        <translation>隧道 %1 含有 PreUp、PostUp、PreDown 或 PostDown 命令，只有系统隧道才能包含这些命令。</translation>
    </message>
    <message>
        <source>Tunnel %1 was not saved: its keys could not be stored in your keychain (%2). Tulle never keeps them in plain files.</source>
        <translation>隧道 %1 未保存：无法将其密钥存入钥匙串（%2）。Tulle 从不将密钥保存在明文文件中。</translation>
    </message>
    <message>
        <source>The private key of tunnel %1 is not in your keychain. Import the tunnel again, or remove it.</source>
        <translation>隧道 %1 的私钥不在钥匙串中。请重新导入该隧道，或将其删除。</translation>
    </message>
    <message>
        <source>Could not read the keys of tunnel %1 from your keychain: %2.</source>
        <translation>无法从钥匙串读取隧道 %1 的密钥：%2。</translation>
    </message>
    <message>
        <source>The keychain entry of tunnel %1 is damaged. Import the tunnel again, or remove it.</source>
        <translation>隧道 %1 的钥匙串条目已损坏。请重新导入该隧道，或将其删除。</translation>
    </message>
    <message>
        <source>Tunnel %1 was not removed: its keys could not be removed from your keychain (%2).</source>
        <translation>隧道 %1 未删除：无法从钥匙串中删除其密钥（%2）。</translation>
    </message>
    <message>
        <source>Could not remove %1: %2</source>
        <translation>无法删除 %1：%2</translation>
    </message>
    <message>
        <source>There is already a tunnel named %1.</source>
        <translation>已存在名为 %1 的隧道。</translation>
    </message>
    <message>
        <source>Tunnel %1 was not renamed to %2: %3</source>
        <translation>隧道 %1 未重命名为 %2：%3</translation>
    </message>
    <message>
        <source>its private key is not in your keychain.</source>
        <translation>其私钥不在钥匙串中。</translation>
    </message>
    <message>
        <source>its keys could not be read from your keychain (%1).</source>
        <translation>无法从钥匙串读取其密钥（%1）。</translation>
    </message>
    <message>
        <source>its keys could not be stored in your keychain (%1).</source>
        <translation>无法将其密钥存入钥匙串（%1）。</translation>
    </message>
    <message>
        <source>Tunnel %1 is now %2, but its old entry could not be removed from your keychain (%3).</source>
        <translation>隧道 %1 已重命名为 %2，但无法从钥匙串中删除其旧条目（%3）。</translation>
    </message>
    <message>
        <source>No keychain is available (%1). Tulle keeps the private keys of your own tunnels only in a keychain, a Secret Service such as GNOME Keyring or KWallet: start one, or keep the tunnel as a system tunnel instead.</source>
        <translation>没有可用的钥匙串（%1）。Tulle 只将你自己隧道的私钥保存在钥匙串中，即 GNOME Keyring 或 KWallet 等 Secret Service：请启动一个钥匙串，或改为将该隧道保存为系统隧道。</translation>
    </message>
</context>
<context>
    <name>tulle::app::LogsPage</name>
    <message>
        <source>Debug and above</source>
        <translation>调试及以上</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>信息及以上</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Keep the newest line in view</source>
        <translation>始终显示最新一行</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>级别(&amp;L)：</translation>
    </message>
    <message>
        <source>Save the log</source>
        <translation>保存日志</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt)</source>
        <translation>日志文件 (*.log *.txt)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>F&amp;ollow</source>
        <translation>跟随(&amp;O)</translation>
    </message>
    <message>
        <source>Save &amp;as…</source>
        <translation>另存为(&amp;A)…</translation>
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
        <translation>隧道(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Peers</source>
        <translation>节点(&amp;P)</translation>
    </message>
    <message>
        <source>T&amp;hroughput</source>
        <translation>流量(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Logs</source>
        <translation>日志(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Import tunnel from file…</source>
        <translation>从文件导入隧道(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>关闭窗口(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit Tulle</source>
        <translation>退出 Tulle(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Start Tulle at login</source>
        <translation>登录时启动 Tulle(&amp;S)</translation>
    </message>
    <message>
        <source>Start at login</source>
        <translation>登录时启动</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Tulle</source>
        <translation>关于 Tulle(&amp;A)</translation>
    </message>
    <message>
        <source>About Tulle</source>
        <translation>关于 Tulle</translation>
    </message>
    <message>
        <source>This desktop has no system tray, so Tulle shows its window instead. Closing the window quits the app; tunnels keep running in tulled.</source>
        <translation>此桌面没有系统托盘，因此 Tulle 改为显示其窗口。关闭窗口即退出应用；隧道会继续在 tulled 中运行。</translation>
    </message>
    <message>
        <source>Connected to %1.</source>
        <translation>已连接到 %1。</translation>
    </message>
    <message>
        <source>Connecting to tulled…</source>
        <translation>正在连接 tulled…</translation>
    </message>
    <message>
        <source>%1
Tulle tries again every few seconds.</source>
        <translation>%1
Tulle 每隔几秒会重试一次。</translation>
    </message>
    <message>
        <source>Tunnels</source>
        <translation>隧道</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>流量</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <source>Networks</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>&amp;Networks</source>
        <translation>网络(&amp;N)</translation>
    </message>
    <message>
        <source>the MIT licence</source>
        <translation>MIT 许可证</translation>
    </message>
    <message>
        <source>the &lt;a href=&quot;%1&quot;&gt;MIT licence&lt;/a&gt;</source>
        <translation>&lt;a href=&quot;%1&quot;&gt;MIT 许可证&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Tulle %1&lt;/b&gt;&lt;br&gt;WireGuard tunnels for your desktop.&lt;/p&gt;&lt;p&gt;Copyright 2026 The Tulle developers.&lt;br&gt;Tulle is free software under %2: Show Details has its text.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Tulle %1&lt;/b&gt;&lt;br&gt;适用于桌面的 WireGuard 隧道。&lt;/p&gt;&lt;p&gt;Copyright 2026 Tulle 开发者。&lt;br&gt;Tulle 是依据%2发布的自由软件：“显示详细信息”中有其全文。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>tulle::app::MemberTableModel</name>
    <message>
        <source>Public key: %1</source>
        <translation>公钥：%1</translation>
    </message>
    <message>
        <source>lighthouse</source>
        <translation>灯塔</translation>
    </message>
    <message>
        <source>this node</source>
        <translation>本节点</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后在线</translation>
    </message>
</context>
<context>
    <name>tulle::app::NetworkListModel</name>
    <message>
        <source>joining…</source>
        <translation>正在加入…</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>offline: %1</source>
        <translation>离线：%1</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>lighthouse</source>
        <translation>灯塔</translation>
    </message>
    <message>
        <source>member</source>
        <translation>成员</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>This node</source>
        <translation>本节点</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>成员</translation>
    </message>
</context>
<context>
    <name>tulle::app::NetworksPage</name>
    <message>
        <source>C&amp;reate network…</source>
        <translation>创建网络(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Join…</source>
        <translation>加入(&amp;J)…</translation>
    </message>
    <message>
        <source>&amp;Invite…</source>
        <translation>邀请(&amp;I)…</translation>
    </message>
    <message>
        <source>Re&amp;move member</source>
        <translation>移除成员(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Leave network</source>
        <translation>离开网络(&amp;L)</translation>
    </message>
    <message>
        <source>No networks yet. Create one with &quot;Create network…&quot; (this computer becomes its lighthouse), or join one with an invite you were sent.</source>
        <translation>还没有网络。使用“创建网络…”创建一个（这台计算机将成为它的灯塔），或使用收到的邀请加入一个。</translation>
    </message>
    <message>
        <source>tulled did not list its networks: %1</source>
        <translation>tulled 未列出其网络：%1</translation>
    </message>
    <message>
        <source>Members of %1: %2</source>
        <translation>%1 的成员：%2</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>%1 的成员</translation>
    </message>
    <message>
        <source>%1 is %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Network %1 created; this computer is its lighthouse. Invite members with &quot;Invite…&quot;.</source>
        <translation>已创建网络 %1；这台计算机是它的灯塔。使用“邀请…”邀请成员。</translation>
    </message>
    <message>
        <source>Invite to %1 made.</source>
        <translation>已创建加入 %1 的邀请。</translation>
    </message>
    <message>
        <source>Joined %1.</source>
        <translation>已加入 %1。</translation>
    </message>
    <message>
        <source>Remove member</source>
        <translation>移除成员</translation>
    </message>
    <message>
        <source>Remove %1 from %2? Every member stops talking to it at once, and it cannot come back without a new invite.</source>
        <translation>要将 %1 从 %2 中移除吗？所有成员会立即停止与它通信，没有新邀请它就无法重新加入。</translation>
    </message>
    <message>
        <source>tulled refused to remove %1: %2</source>
        <translation>tulled 拒绝移除 %1：%2</translation>
    </message>
    <message>
        <source>%1 removed from %2.</source>
        <translation>已将 %1 从 %2 中移除。</translation>
    </message>
    <message>
        <source>Leave %1? This computer is its lighthouse and holds its key: leaving deletes the network, and its members can no longer reach each other through it.</source>
        <translation>要离开 %1 吗？这台计算机是它的灯塔并持有其密钥：离开将删除该网络，其成员将无法再通过它互相访问。</translation>
    </message>
    <message>
        <source>Leave %1? Its tunnel goes down and this computer&apos;s membership is deleted; joining again needs a new invite.</source>
        <translation>要离开 %1 吗？其隧道将断开，这台计算机的成员身份将被删除；再次加入需要新的邀请。</translation>
    </message>
    <message>
        <source>Leave network</source>
        <translation>离开网络</translation>
    </message>
    <message>
        <source>tulled refused to leave %1: %2</source>
        <translation>tulled 拒绝离开 %1：%2</translation>
    </message>
    <message>
        <source>Left %1.</source>
        <translation>已离开 %1。</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerEditor</name>
    <message>
        <source>Add a peer to %1</source>
        <translation>向 %1 添加节点</translation>
    </message>
    <message>
        <source>Edit peer %1 of %2</source>
        <translation>编辑 %2 的节点 %1</translation>
    </message>
    <message>
        <source>set (hidden); type a new one to replace it</source>
        <translation>已设置（已隐藏）；输入新密钥可将其替换</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>laptop</source>
        <translation>笔记本电脑</translation>
    </message>
    <message>
        <source>44 characters of base64, ending in =</source>
        <translation>44 个 Base64 字符，以 = 结尾</translation>
    </message>
    <message>
        <source>vpn.example.com:51820 or [2001:db8::1]:51820 (optional)</source>
        <translation>vpn.example.com:51820 或 [2001:db8::1]:51820（可选）</translation>
    </message>
    <message>
        <source>10.0.0.2/32, fd00::2/128</source>
        <translation>10.0.0.2/32, fd00::2/128</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Remove the preshared key</source>
        <translation>移除预共享密钥</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Public key:</source>
        <translation>公钥(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>端点(&amp;E)：</translation>
    </message>
    <message>
        <source>&amp;Allowed IPs:</source>
        <translation>允许的 IP(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Keepalive:</source>
        <translation>保活间隔(&amp;K)：</translation>
    </message>
    <message>
        <source>Pre&amp;shared key:</source>
        <translation>预共享密钥(&amp;S)：</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>正在应用…</translation>
    </message>
    <message>
        <source>tulled refused it: %1</source>
        <translation>tulled 拒绝了该操作：%1</translation>
    </message>
    <message>
        <source>Applied to the running tunnel.</source>
        <translation>已应用到正在运行的隧道。</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerForm</name>
    <message>
        <source>A name may have at most %1 characters.</source>
        <translation>名称最多只能有 %1 个字符。</translation>
    </message>
    <message>
        <source>A name cannot contain control characters.</source>
        <translation>名称不能包含控制字符。</translation>
    </message>
    <message>
        <source>Enter the peer&apos;s public key (44 characters, from &quot;wg pubkey&quot; or the peer&apos;s app).</source>
        <translation>请输入节点的公钥（44 个字符，可通过“wg pubkey”或节点的应用获取）。</translation>
    </message>
    <message>
        <source>An all-zero key is not a public key.</source>
        <translation>全零密钥不是有效的公钥。</translation>
    </message>
    <message>
        <source>This is the tunnel&apos;s own public key; enter the peer&apos;s.</source>
        <translation>这是本隧道自己的公钥；请输入节点的公钥。</translation>
    </message>
    <message>
        <source>The tunnel already has a peer with this key.</source>
        <translation>该隧道已有使用此密钥的节点。</translation>
    </message>
    <message>
        <source>Put an IPv6 address in brackets: [2001:db8::1]:51820.</source>
        <translation>请将 IPv6 地址放在方括号中：[2001:db8::1]:51820。</translation>
    </message>
    <message>
        <source>Entry %1 is empty; remove the extra comma.</source>
        <translation>第 %1 项为空；请删除多余的逗号。</translation>
    </message>
    <message>
        <source>Enter seconds from 0 (off) to 65535; 25 keeps most NATs open.</source>
        <translation>请输入 0（关闭）到 65535 之间的秒数；25 可让大多数 NAT 保持打开。</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Public key</source>
        <translation>公钥</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>Allowed IPs</source>
        <translation>允许的 IP</translation>
    </message>
    <message>
        <source>Persistent keepalive</source>
        <translation>连接保活间隔</translation>
    </message>
    <message>
        <source>Preshared key</source>
        <translation>预共享密钥</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeerTableModel</name>
    <message>
        <source>Public key: %1</source>
        <translation>公钥：%1</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>（未知）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>Allowed IPs</source>
        <translation>允许的 IP</translation>
    </message>
    <message>
        <source>Latest handshake</source>
        <translation>最近握手</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <source>Receiving</source>
        <translation>接收速率</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>发送速率</translation>
    </message>
    <message>
        <source>direct %1</source>
        <translation>直连 %1</translation>
    </message>
    <message>
        <source>lan %1</source>
        <translation>局域网 %1</translation>
    </message>
    <message>
        <source>relay via %1</source>
        <translation>经 %1 中继</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
</context>
<context>
    <name>tulle::app::PeersPage</name>
    <message>
        <source>&amp;Add peer…</source>
        <translation>添加节点(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>Filter by name, endpoint or allowed IPs</source>
        <translation>按名称、端点或允许的 IP 筛选</translation>
    </message>
    <message>
        <source>&amp;Tunnel:</source>
        <translation>隧道(&amp;T)：</translation>
    </message>
    <message>
        <source>Tunnel %1 has no peers yet. Add one with &quot;Add peer…&quot;.</source>
        <translation>隧道 %1 还没有节点。请使用“添加节点…”添加一个。</translation>
    </message>
    <message>
        <source>No tunnel is up. Bring one up on the Tunnels page to see its peers here.</source>
        <translation>没有已连接的隧道。请在“隧道”页面开启一个隧道，以便在此查看其节点。</translation>
    </message>
    <message>
        <source>Peer added to %1.</source>
        <translation>已向 %1 添加节点。</translation>
    </message>
    <message>
        <source>Peer of %1 changed.</source>
        <translation>已更改 %1 的节点。</translation>
    </message>
    <message>
        <source>Remove peer</source>
        <translation>移除节点</translation>
    </message>
    <message>
        <source>Remove peer %1 from the running tunnel %2? Traffic to its allowed IPs stops at once.</source>
        <translation>要从正在运行的隧道 %2 中移除节点 %1 吗？发往其允许的 IP 的流量将立即停止。</translation>
    </message>
    <message>
        <source>tulled refused to remove %1: %2</source>
        <translation>tulled 拒绝移除 %1：%2</translation>
    </message>
    <message>
        <source>Peer %1 removed from %2.</source>
        <translation>已从 %2 移除节点 %1。</translation>
    </message>
</context>
<context>
    <name>tulle::app::QrExportDialog</name>
    <message>
        <source>Reach this machine at: </source>
        <translation>访问本机的地址：</translation>
    </message>
    <message>
        <source>Address in the tunnel: </source>
        <translation>隧道内地址：</translation>
    </message>
    <message>
        <source>Name: </source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Send &amp;everything through the tunnel</source>
        <translation>所有流量都经过隧道(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Add peer</source>
        <translation>添加节点(&amp;A)</translation>
    </message>
    <message>
        <source>QR code for a phone: %1</source>
        <translation>手机用二维码：%1</translation>
    </message>
    <message>
        <source>vpn.example.com or 203.0.113.7:51820</source>
        <translation>vpn.example.com 或 203.0.113.7:51820</translation>
    </message>
    <message>
        <source>the first free one</source>
        <translation>第一个空闲地址</translation>
    </message>
    <message>
        <source>AllowedIPs = 0.0.0.0/0, ::/0 instead of the tunnel&apos;s networks</source>
        <translation>AllowedIPs = 0.0.0.0/0, ::/0，而不是隧道的网络</translation>
    </message>
    <message>
        <source>Adds a new peer to %1 and shows its configuration for the WireGuard app on a phone. The key pair is made here; tulled never sees the private key.</source>
        <translation>向 %1 添加一个新节点，并显示供手机上 WireGuard 应用使用的配置。密钥对在此生成；tulled 永远看不到私钥。</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Reach this machine at:</source>
        <translation>访问本机的地址(&amp;R)：</translation>
    </message>
    <message>
        <source>A&amp;ddress in the tunnel:</source>
        <translation>隧道内地址(&amp;D)：</translation>
    </message>
    <message>
        <source>Shown once: Tulle keeps no copy of this private key. Scan or save it now; closing this window forgets it.</source>
        <translation>仅显示一次：Tulle 不保留此私钥的副本。请立即扫描或保存；关闭此窗口后它将被遗忘。</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>复制(&amp;Y)</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>保存(&amp;S)…</translation>
    </message>
    <message>
        <source>Save %1</source>
        <translation>保存 %1</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf)</source>
        <translation>WireGuard 隧道 (*.conf)</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>已保存到 %1。</translation>
    </message>
    <message>
        <source>Address: %1</source>
        <translation>地址：%1</translation>
    </message>
    <message>
        <source>Adding the peer…</source>
        <translation>正在添加节点…</translation>
    </message>
    <message>
        <source>tulled refused it: %1</source>
        <translation>tulled 拒绝了：%1</translation>
    </message>
    <message>
        <source>Added to %1. Scan the code with the WireGuard app (+, then Scan from QR code).</source>
        <translation>已添加到 %1。请用 WireGuard 应用扫描二维码（+，然后选择 “Scan from QR code”）。</translation>
    </message>
    <message>
        <source>Could not save %1: %2</source>
        <translation>无法保存 %1：%2</translation>
    </message>
</context>
<context>
    <name>tulle::app::ThroughputPage</name>
    <message>
        <source>Last minute</source>
        <translation>最近 1 分钟</translation>
    </message>
    <message>
        <source>Last 10 minutes</source>
        <translation>最近 10 分钟</translation>
    </message>
    <message>
        <source>Receive</source>
        <translation>接收</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>seconds ago</source>
        <translation>秒前</translation>
    </message>
    <message>
        <source>&amp;Tunnel:</source>
        <translation>隧道(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Range:</source>
        <translation>时间范围(&amp;R)：</translation>
    </message>
    <message>
        <source>No peer selected</source>
        <translation>未选择节点</translation>
    </message>
    <message>
        <source>No tunnel is up.</source>
        <translation>没有已连接的隧道。</translation>
    </message>
    <message>
        <source>Pick a peer.</source>
        <translation>请选择一个节点。</translation>
    </message>
    <message>
        <source>Now: receiving %1, sending %2 · Total: received %3, sent %4</source>
        <translation>当前：接收 %1，发送 %2 · 总计：已接收 %3，已发送 %4</translation>
    </message>
</context>
<context>
    <name>tulle::app::Tray</name>
    <message>
        <source>%1 is up</source>
        <translation>%1 已连接</translation>
    </message>
    <message>
        <source>Tunnel %1 is connected.</source>
        <translation>隧道 %1 已连接。</translation>
    </message>
    <message>
        <source>%1 is down</source>
        <translation>%1 已断开</translation>
    </message>
    <message>
        <source>Tunnel %1 was turned off.</source>
        <translation>隧道 %1 已关闭。</translation>
    </message>
    <message>
        <source>No handshake with %1</source>
        <translation>未能与 %1 握手</translation>
    </message>
    <message>
        <source>Tunnel %1 keeps trying to reach peer %2 without an answer. Check its endpoint and keys.</source>
        <translation>隧道 %1 一直在尝试连接节点 %2，但没有收到响应。请检查其端点和密钥。</translation>
    </message>
    <message>
        <source>Connecting to tulled…</source>
        <translation>正在连接 tulled…</translation>
    </message>
    <message>
        <source>No tunnels yet</source>
        <translation>还没有隧道</translation>
    </message>
    <message>
        <source>Open Tulle</source>
        <translation>打开 Tulle</translation>
    </message>
    <message>
        <source>Import tunnel from file…</source>
        <translation>从文件导入隧道…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>no tunnel is up</source>
        <translation>没有已连接的隧道</translation>
    </message>
    <message>
        <source>waiting for handshakes</source>
        <translation>正在等待握手</translation>
    </message>
    <message>
        <source>connecting to tulled</source>
        <translation>正在连接 tulled</translation>
    </message>
    <message numerus="yes">
        <source>%n tunnel(s) up</source>
        <translation>
            <numerusform>%n 个隧道已连接</numerusform>
        </translation>
    </message>
    <message>
        <source>a peer does not answer</source>
        <translation>有节点未响应</translation>
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
        <translation>tulled 版本不同</translation>
    </message>
    <message>
        <source>tulled is not reachable</source>
        <translation>无法连接 tulled</translation>
    </message>
    <message>
        <source>%1 (not saved)</source>
        <translation>%1（未保存）</translation>
    </message>
    <message>
        <source>Not saved: gone after tulled restarts</source>
        <translation>未保存：tulled 重启后将消失</translation>
    </message>
    <message>
        <source>%1 did not come up</source>
        <translation>%1 未能连接</translation>
    </message>
    <message>
        <source>%1 did not go down</source>
        <translation>%1 未能断开</translation>
    </message>
    <message>
        <source>%1: %2, %3 relayed</source>
        <translation>%1：%2，%3 个经中继</translation>
    </message>
    <message numerus="yes">
        <source>%n peer(s)</source>
        <translation>
            <numerusform>%n 个节点</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelActions</name>
    <message>
        <source>No keychain</source>
        <translation>没有钥匙串</translation>
    </message>
    <message>
        <source>%1

Tulle keeps private keys only in your keychain, never in plain files. You can keep &quot;%2&quot; as a system tunnel instead: tulled stores it in /etc/tulle, readable by root only, and every member of the group &quot;tulle&quot; can bring it up.

Save &quot;%2&quot; as a system tunnel?</source>
        <translation>%1

Tulle 只将私钥保存在钥匙串中，从不保存在明文文件中。你也可以将“%2”保存为系统隧道：tulled 会将其存放在 /etc/tulle 中，仅 root 可读，且“tulle”组的每个成员都可以开启它。

要将“%2”保存为系统隧道吗？</translation>
    </message>
    <message>
        <source>Tunnel %1 is down.</source>
        <translation>隧道 %1 已断开。</translation>
    </message>
    <message>
        <source>Could not bring %1 down: %2</source>
        <translation>无法断开 %1：%2</translation>
    </message>
    <message>
        <source>Tunnel %1 is up.</source>
        <translation>隧道 %1 已连接。</translation>
    </message>
    <message>
        <source>Could not bring %1 up: %2</source>
        <translation>无法连接 %1：%2</translation>
    </message>
    <message>
        <source>Import tunnel from file</source>
        <translation>从文件导入隧道</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf);;All files (*)</source>
        <translation>WireGuard 隧道 (*.conf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Import tunnel</source>
        <translation>导入隧道</translation>
    </message>
    <message>
        <source>%1 cannot be imported:
%2</source>
        <translation>无法导入 %1：
%2</translation>
    </message>
    <message>
        <source>Name for the imported tunnel (1 to 15 letters, digits, or _=+.-):</source>
        <translation>导入隧道的名称（1 到 15 个字符：英文字母、数字或 _=+.-）：</translation>
    </message>
    <message>
        <source>&quot;%1&quot; cannot be a tunnel name: %2</source>
        <translation>“%1”不能用作隧道名称：%2</translation>
    </message>
    <message>
        <source>A tunnel named %1 exists already.</source>
        <translation>名为 %1 的隧道已存在。</translation>
    </message>
    <message>
        <source>%1 was not saved: %2</source>
        <translation>%1 未保存：%2</translation>
    </message>
    <message>
        <source>Tunnel %1 saved; its keys are in your keychain.</source>
        <translation>隧道 %1 已保存；其密钥保存在钥匙串中。</translation>
    </message>
    <message>
        <source>Tunnel %1 saved as a system tunnel.</source>
        <translation>隧道 %1 已保存为系统隧道。</translation>
    </message>
    <message>
        <source>tulled did not save %1: %2</source>
        <translation>tulled 未保存 %1：%2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Exported to %1.</source>
        <translation>已导出到 %1。</translation>
    </message>
    <message>
        <source>Could not export %1: %2</source>
        <translation>无法导出 %1：%2</translation>
    </message>
    <message>
        <source>Tunnel %1 is not running; tulled shows a system tunnel&apos;s settings only while it is up.</source>
        <translation>隧道 %1 未运行；tulled 仅在系统隧道处于连接状态时显示其设置。</translation>
    </message>
    <message>
        <source>%1 is a system tunnel; root removes it with sudo rm /etc/tulle/%1.conf</source>
        <translation>%1 是系统隧道；需由 root 使用 sudo rm /etc/tulle/%1.conf 删除</translation>
    </message>
    <message>
        <source>Tunnel %1 deleted.</source>
        <translation>隧道 %1 已删除。</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>无法删除 %1：%2</translation>
    </message>
    <message>
        <source>Bring %1 down before renaming it.</source>
        <translation>请先断开 %1，再重命名。</translation>
    </message>
    <message>
        <source>%1 is now called %2.</source>
        <translation>%1 已重命名为 %2。</translation>
    </message>
    <message>
        <source>Could not rename %1: %2</source>
        <translation>无法重命名 %1：%2</translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelListModel</name>
    <message>
        <source>Up</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Down (your profile)</source>
        <translation>已断开（个人配置）</translation>
    </message>
    <message>
        <source>Down (system tunnel)</source>
        <translation>已断开（系统隧道）</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation>隧道</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Peers</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>已接收</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
</context>
<context>
    <name>tulle::app::TunnelsPage</name>
    <message>
        <source>Create a tunnel</source>
        <translation>创建隧道</translation>
    </message>
    <message>
        <source>home</source>
        <translation>home</translation>
    </message>
    <message>
        <source>10.0.0.1/24, fd00::1/64</source>
        <translation>10.0.0.1/24, fd00::1/64</translation>
    </message>
    <message>
        <source>any</source>
        <translation>任意</translation>
    </message>
    <message>
        <source>optional: 10.0.0.53</source>
        <translation>可选：10.0.0.53</translation>
    </message>
    <message>
        <source>%1 (through %2)</source>
        <translation>%1（通过 %2）</translation>
    </message>
    <message>
        <source>%1 (not applied: %2)</source>
        <translation>%1（未应用：%2）</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Addresses:</source>
        <translation>地址(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Listen port:</source>
        <translation>监听端口(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;DNS:</source>
        <translation>DNS(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;MTU:</source>
        <translation>MTU(&amp;M)：</translation>
    </message>
    <message>
        <source>A new key pair is generated; the private key goes to your keychain.</source>
        <translation>将生成新的密钥对；私钥会存入钥匙串。</translation>
    </message>
    <message>
        <source>Name: %1</source>
        <translation>名称：%1</translation>
    </message>
    <message>
        <source>Addresses: %1: %2</source>
        <translation>地址：%1：%2</translation>
    </message>
    <message>
        <source>DNS: %1: %2</source>
        <translation>DNS：%1：%2</translation>
    </message>
    <message>
        <source>MTU: at least %1, or automatic.</source>
        <translation>MTU：至少为 %1，或设为自动。</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>复制(&amp;Y)</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>导出(&amp;X)…</translation>
    </message>
    <message>
        <source>Copy the public key: give it to the peers of this tunnel</source>
        <translation>复制公钥：将其提供给此隧道的节点</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Public key:</source>
        <translation>公钥：</translation>
    </message>
    <message>
        <source>Addresses:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>Listen port:</source>
        <translation>监听端口：</translation>
    </message>
    <message>
        <source>DNS:</source>
        <translation>DNS：</translation>
    </message>
    <message>
        <source>MTU:</source>
        <translation>MTU：</translation>
    </message>
    <message>
        <source>&amp;Create…</source>
        <translation>创建(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <source>No tunnels yet</source>
        <translation>还没有隧道</translation>
    </message>
    <message>
        <source>Create a tunnel, or import a WireGuard .conf file.</source>
        <translation>创建一个隧道，或导入 WireGuard .conf 文件。</translation>
    </message>
    <message>
        <source>&amp;Turn on</source>
        <translation>开启(&amp;T)</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>&amp;Turn off</source>
        <translation>关闭(&amp;T)</translation>
    </message>
    <message>
        <source>A system tunnel belongs to root: remove /etc/tulle/%1.conf as root.</source>
        <translation>系统隧道归 root 所有：请以 root 身份删除 /etc/tulle/%1.conf。</translation>
    </message>
    <message>
        <source>Your profile: settings in your folder, keys in your keychain.</source>
        <translation>个人配置：设置保存在你的文件夹中，密钥保存在钥匙串中。</translation>
    </message>
    <message>
        <source>System tunnel, kept by tulled in /etc/tulle%1.</source>
        <translation>系统隧道，由 tulled 保存在 /etc/tulle 中%1。</translation>
    </message>
    <message>
        <source>, started at boot</source>
        <translation>，开机时启动</translation>
    </message>
    <message>
        <source>Tunnel</source>
        <translation>隧道</translation>
    </message>
    <message>
        <source>A tunnel named %1 exists already.</source>
        <translation>名为 %1 的隧道已存在。</translation>
    </message>
    <message>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <source>Include the private key and preshared keys? Anyone who has the file can then act as this tunnel.</source>
        <translation>要包含私钥和预共享密钥吗？这样任何拥有该文件的人都能以此隧道的身份进行连接。</translation>
    </message>
    <message>
        <source>Without keys</source>
        <translation>不含密钥</translation>
    </message>
    <message>
        <source>With keys</source>
        <translation>包含密钥</translation>
    </message>
    <message>
        <source>WireGuard tunnels (*.conf)</source>
        <translation>WireGuard 隧道 (*.conf)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Rename %1</source>
        <translation>重命名 %1</translation>
    </message>
    <message>
        <source>New name (1 to 15 letters, digits, or _=+.-):</source>
        <translation>新名称（1 到 15 个字符：英文字母、数字或 _=+.-）：</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>删除 %1</translation>
    </message>
    <message>
        <source>Delete tunnel %1 and its keys? This cannot be undone; export it first to keep a copy.</source>
        <translation>要删除隧道 %1 及其密钥吗？此操作无法撤销；如需保留副本，请先导出。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <source>Del&amp;ete</source>
        <translation>删除(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Block untunneled traffic</source>
        <translation>阻止不经隧道的流量(&amp;B)</translation>
    </message>
    <message>
        <source>Kill switch: while this tunnel is on, nothing leaves this computer except through it (its own connection to the peers, DHCP and the local network&apos;s neighbour discovery excepted). Only for a tunnel that takes all traffic (AllowedIPs 0.0.0.0/0 or ::/0); it applies the next time the tunnel is turned on.</source>
        <translation>终止开关：此隧道开启时，除经由它之外，没有任何流量离开本机（它与对端的连接、DHCP 和本地网络的邻居发现除外）。仅适用于承载全部流量的隧道（AllowedIPs 0.0.0.0/0 或 ::/0）；下次开启隧道时生效。</translation>
    </message>
    <message>
        <source>To a &amp;file…</source>
        <translation>导出到文件(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;QR code for a phone…</source>
        <translation>手机用二维码(&amp;Q)…</translation>
    </message>
    <message>
        <source>Started by another program (tullectl); not saved: tulled keeps it, on or off, until it is deleted — gone after tulled restarts.</source>
        <translation>由其他程序（tullectl）启动；未保存：tulled 会保留它（无论是否连接），直到被删除——tulled 重启后将消失。</translation>
    </message>
</context>
</TS>
