# Install rules and the Debian package (scripts/package.sh runs cpack):
#   /usr/bin/rmq-upgrade, /usr/bin/rmq-sim
#   /usr/share/man/man1/rmq-upgrade.1.gz, rmq-sim.1.gz (help2man, from --help; when help2man is installed)
#   /usr/share/bash-completion/completions/rmq-upgrade, rmq-sim
#   /usr/share/doc/rmq-upgrade/ (copyright, changelog.gz, README.md, docs, examples/ = plans/)
include(GNUInstallDirs)

# `cpack` and `make install` must not build every test and benchmark first: scripts/package.sh
# builds what is installed (rmq-upgrade, rmq-sim, rmqup_man, rmqup_changelog).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

# Debian policy: directories 0755 whatever the umask of the build.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(_rmqup_doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/rmq-upgrade)
set(_rmqup_pkg_out ${PROJECT_BINARY_DIR}/packaging)

install(TARGETS rmq-upgrade rmq-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages generated from --help by help2man, gzipped reproducibly (-n: no name or time stamp).
find_program(RMQUP_HELP2MAN help2man)
find_program(RMQUP_GZIP gzip)
if(RMQUP_HELP2MAN AND RMQUP_GZIP)
  add_custom_command(OUTPUT ${_rmqup_pkg_out}/rmq-upgrade.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_rmqup_pkg_out}
    COMMAND ${RMQUP_HELP2MAN} --no-info --section=1
      "--name=rolling, zero-downtime upgrades of Apache RocketMQ clusters"
      --include=${PROJECT_SOURCE_DIR}/packaging/rmq-upgrade.h2m
      --output=${_rmqup_pkg_out}/rmq-upgrade.1 $<TARGET_FILE:rmq-upgrade>
    COMMAND ${RMQUP_GZIP} -9nf ${_rmqup_pkg_out}/rmq-upgrade.1
    DEPENDS rmq-upgrade ${PROJECT_SOURCE_DIR}/packaging/rmq-upgrade.h2m
    COMMENT "help2man rmq-upgrade.1" VERBATIM)
  add_custom_command(OUTPUT ${_rmqup_pkg_out}/rmq-sim.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_rmqup_pkg_out}
    COMMAND ${RMQUP_HELP2MAN} --no-info --section=1 --version-string=${PROJECT_VERSION}
      "--name=RocketMQ NameServer, broker and load-generator simulator"
      --include=${PROJECT_SOURCE_DIR}/packaging/rmq-sim.h2m
      --output=${_rmqup_pkg_out}/rmq-sim.1 $<TARGET_FILE:rmq-sim>
    COMMAND ${RMQUP_GZIP} -9nf ${_rmqup_pkg_out}/rmq-sim.1
    DEPENDS rmq-sim ${PROJECT_SOURCE_DIR}/packaging/rmq-sim.h2m
    COMMENT "help2man rmq-sim.1" VERBATIM)
  add_custom_target(rmqup_man ALL DEPENDS ${_rmqup_pkg_out}/rmq-upgrade.1.gz ${_rmqup_pkg_out}/rmq-sim.1.gz)
  install(FILES ${_rmqup_pkg_out}/rmq-upgrade.1.gz ${_rmqup_pkg_out}/rmq-sim.1.gz
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man or gzip not found: no man pages (scripts/setup.sh installs help2man)")
endif()

# changelog.gz (Debian policy for a native package), reproducible like the man pages.
if(RMQUP_GZIP)
  add_custom_command(OUTPUT ${_rmqup_pkg_out}/changelog.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_rmqup_pkg_out}
    COMMAND ${RMQUP_GZIP} -9nc ${PROJECT_SOURCE_DIR}/packaging/changelog > ${_rmqup_pkg_out}/changelog.gz
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/changelog VERBATIM)
  add_custom_target(rmqup_changelog ALL DEPENDS ${_rmqup_pkg_out}/changelog.gz)
  install(FILES ${_rmqup_pkg_out}/changelog.gz DESTINATION ${_rmqup_doc})
endif()

install(FILES packaging/rmq-upgrade.bash-completion DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
  RENAME rmq-upgrade)
install(FILES packaging/rmq-sim.bash-completion DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
  RENAME rmq-sim)
install(FILES packaging/copyright README.md DESTINATION ${_rmqup_doc})
install(DIRECTORY docs/ DESTINATION ${_rmqup_doc}/docs FILES_MATCHING PATTERN "*.md")
install(DIRECTORY plans/ DESTINATION ${_rmqup_doc}/examples)

# CPack: rmq-upgrade_<version>_amd64.deb; Depends computed by dpkg-shlibdeps from the binaries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rmq-upgrade)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "rmq-upgrade developers")
set(CPACK_PACKAGE_CONTACT "rmq-upgrade developers <rmq-upgrade@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "rolling, zero-downtime upgrades of Apache RocketMQ clusters")
# One string (a CMake list would put ';' in the control file), lines under 80 columns for lintian.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "rmq-upgrade upgrades Apache RocketMQ NameServers and brokers one node at\n"
  "a time with no lost messages: it speaks RocketMQ's remoting protocol\n"
  "itself (no JVM, no mqadmin), restarts processes over SSH, journals every\n"
  "step so that a crashed run resumes, and rolls back when the new version\n"
  "does not come up. rmq-sim, the protocol-faithful simulator its rehearsal\n"
  "uses, is included.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "openssh-client")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
