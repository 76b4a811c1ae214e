# Target rmqup_build_info: runs cmake/BuildInfo.cmake at every build, so rmqup/build_info.hpp (version
# and git revision for --version) follows HEAD without re-running cmake. The header is rewritten only
# when its text changes. -DRMQUP_GIT_REVISION=... fixes the revision (builds from a tarball).
set(RMQUP_GIT_REVISION "" CACHE STRING "Revision for --version; empty: git rev-parse at build time")
set(RMQUP_GENERATED_DIR ${PROJECT_BINARY_DIR}/generated)
set(_build_info_args -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUT_DIR=${RMQUP_GENERATED_DIR}
  -DVERSION=${PROJECT_VERSION} -DREVISION=${RMQUP_GIT_REVISION})
# Once at configure time too, so the header exists for the first compile and for clang-tidy.
execute_process(COMMAND ${CMAKE_COMMAND} ${_build_info_args} -P ${PROJECT_SOURCE_DIR}/cmake/BuildInfo.cmake)
add_custom_target(rmqup_build_info
  COMMAND ${CMAKE_COMMAND} ${_build_info_args} -P ${PROJECT_SOURCE_DIR}/cmake/BuildInfo.cmake
  BYPRODUCTS ${RMQUP_GENERATED_DIR}/rmqup/build_info.hpp
  COMMENT "" VERBATIM)
target_include_directories(rmqup_settings INTERFACE ${RMQUP_GENERATED_DIR})
