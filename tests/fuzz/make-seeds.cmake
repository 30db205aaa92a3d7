# Splits tests/data into one seed file per case (cmake -DSOURCE_DIR=… -DOUT=… -P make-seeds.cmake):
# every action of the risk corpus for the submission and risk harnesses, the shipped rules file
# for the rules harness, the diff fixtures for the diff harness.
file(REMOVE_RECURSE ${OUT})
file(READ ${SOURCE_DIR}/tests/data/risk-corpus.json corpus)
string(JSON count LENGTH "${corpus}")
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
    string(JSON action GET "${corpus}" ${i} action)
    file(WRITE ${OUT}/submission/case-${i}.json "${action}")
    file(WRITE ${OUT}/risk/case-${i}.json "${action}")
endforeach()
file(COPY ${SOURCE_DIR}/resources/risk/rules.json DESTINATION ${OUT}/rules)
file(GLOB diffs ${SOURCE_DIR}/tests/data/diff/*.diff)
file(COPY ${diffs} DESTINATION ${OUT}/diff)
file(WRITE ${OUT}/stamp "${count} actions\n")
