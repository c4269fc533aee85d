# DMG for macOS: a description, not a working package. Nothing builds on macOS yet (no
# platform/macos/: no utun TUN, no PF_ROUTE routes); installer/README.md lists what is missing.
#
# What it is meant to hold: Tulle.app (the app, with tulled and tullectl in Contents/MacOS and
# Qt's frameworks gathered by macdeployqt) to drag into /Applications. The app registers tulled
# as a launchd daemon from Contents/Library/LaunchDaemons/invalid.tulle.tulled.plist with
# SMAppService (macOS 13 and later), which asks the user for approval once.
set(CPACK_GENERATOR DragNDrop)
set(CPACK_DMG_VOLUME_NAME "Tulle")
set(CPACK_DMG_FORMAT UDZO)
set(CPACK_BUNDLE_NAME Tulle)
# Used by the app target (MACOSX_BUNDLE_INFO_PLIST) once it is built as a bundle.
set(TULLE_MACOS_INFO_PLIST "${CMAKE_CURRENT_LIST_DIR}/Info.plist.in")
set(TULLE_MACOS_DAEMON_PLIST "${CMAKE_CURRENT_LIST_DIR}/invalid.tulle.tulled.plist")
# Missing: tulle.icns (made from resources/tulle.svg), a Developer ID signature and notarisation
# (Gatekeeper refuses the app and launchd the daemon without them).
