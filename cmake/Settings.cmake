# Warning and sanitizer settings shared by every target through rmqup_settings.
add_library(rmqup_settings INTERFACE)
target_compile_options(rmqup_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough)
if(RMQUP_WERROR)
  target_compile_options(rmqup_settings INTERFACE -Werror)
endif()
if(RMQUP_SANITIZE)
  target_compile_options(rmqup_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(rmqup_settings INTERFACE -fsanitize=address,undefined)
  # GCC 12 under ASan reports -Wmaybe-uninitialized inside libstdc++ (<regex>, std::function): false
  # positives that would fail a sanitizer build with RMQUP_WERROR.
  target_compile_options(rmqup_settings INTERFACE -Wno-maybe-uninitialized)
endif()
# Boost.Asio without the deprecated bits, header-only error_code.
target_compile_definitions(rmqup_settings INTERFACE BOOST_ASIO_NO_DEPRECATED)
# Debian's hardening (dpkg-buildflags): stack protector, fortified libc calls, read-only
# relocations bound at start. Not with the lean link (non-PIE) or the sanitizers.
if(RMQUP_HARDENED AND NOT RMQUP_SANITIZE AND NOT RMQUP_FUZZ)
  target_compile_options(rmqup_settings INTERFACE -fstack-protector-strong
    $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
  target_link_options(rmqup_settings INTERFACE -Wl,-z,relro,-z,now)
endif()
