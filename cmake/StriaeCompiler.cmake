# Compiler settings shared by the project's own targets.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()

# striae_target_defaults(target): warnings as errors on our code only.
function(striae_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()

# striae_library(name SOURCES...): one folder, one target striae::<name>,
# public headers under <folder>/include/striae/<folder>/.
function(striae_library name)
  add_library(striae_${name} ${ARGN})
  add_library(striae::${name} ALIAS striae_${name})
  target_include_directories(striae_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
  set_target_properties(striae_${name} PROPERTIES OUTPUT_NAME striae-${name})
  striae_target_defaults(striae_${name})
endfunction()
