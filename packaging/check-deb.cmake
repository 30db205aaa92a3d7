# Builds the .deb from the build tree and checks that it holds the programs.
execute_process(COMMAND cpack -G DEB -B ${BUILD_DIR}/package WORKING_DIRECTORY ${BUILD_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cpack failed: ${out}${err}")
endif()
file(GLOB debs ${BUILD_DIR}/package/*.deb)
list(LENGTH debs n)
if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected one .deb, found: ${debs}")
endif()
execute_process(COMMAND dpkg-deb --contents ${debs} OUTPUT_VARIABLE contents RESULT_VARIABLE rc)
foreach(path ./usr/bin/interlock ./usr/bin/interlockd ./usr/bin/interlockctl ./usr/lib/systemd/system/interlockd.service
             ./usr/share/applications/io.github.interlock.Interlock.desktop
             ./usr/share/metainfo/io.github.interlock.Interlock.metainfo.xml
             ./usr/share/icons/hicolor/scalable/apps/io.github.interlock.Interlock.svg)
    string(FIND "${contents}" "${path}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${path} is missing from ${debs}:\n${contents}")
    endif()
endforeach()
execute_process(COMMAND dpkg-deb --field ${debs} Depends OUTPUT_VARIABLE depends)
string(FIND "${depends}" "libqt6core6" at)
if(at EQUAL -1)
    message(FATAL_ERROR "the package does not depend on Qt: ${depends}")
endif()
message(STATUS "${debs}: ok; Depends: ${depends}")
