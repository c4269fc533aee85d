# NSIS installer for Windows: a description, not a working installer. Nothing builds on Windows
# yet (no platform/windows/: no Wintun TUN, no IP Helper routes, no named-pipe control socket,
# no service entry point in tulled); installer/README.md lists what is missing.
#
# What it is meant to do: install tulled.exe, tullectl.exe, tulle.exe (with the Qt DLLs that
# windeployqt gathers) and wintun.dll into Program Files\Tulle; register tulled as an automatic
# Windows service running as LocalSystem; create the local group "Tulle Users" (the
# counterpart of the Linux group tulle) for the control pipe; a Start menu entry for the app.
set(CPACK_GENERATOR NSIS)
set(CPACK_PACKAGE_INSTALL_DIRECTORY "Tulle")
set(CPACK_NSIS_DISPLAY_NAME "Tulle")
set(CPACK_NSIS_PACKAGE_NAME "Tulle")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH OFF)
set(CPACK_NSIS_EXECUTABLES_DIRECTORY bin)
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\tulle.exe")
set(CPACK_PACKAGE_EXECUTABLES tulle "Tulle")
set(CPACK_NSIS_MUI_FINISHPAGE_RUN tulle.exe)
# Missing: tulle.ico (made from resources/tulle.svg) for CPACK_NSIS_MUI_ICON / MUI_UNIICON.

# tulled.exe would need a "--service" mode that calls StartServiceCtrlDispatcher; it has none.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "
    nsExec::ExecToLog 'net localgroup \"Tulle Users\" /add /comment:\"May use the Tulle service\"'
    nsExec::ExecToLog 'sc.exe create tulled binPath= \"\\\"$INSTDIR\\\\bin\\\\tulled.exe\\\" --service\" start= auto DisplayName= \"Tulle VPN service\"'
    nsExec::ExecToLog 'sc.exe failure tulled reset= 60 actions= restart/2000'
    nsExec::ExecToLog 'sc.exe start tulled'
")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "
    nsExec::ExecToLog 'sc.exe stop tulled'
    nsExec::ExecToLog 'sc.exe delete tulled'
")
