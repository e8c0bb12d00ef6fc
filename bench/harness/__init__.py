"""The benchmark's driver, in modules named for what they hold.

    suite     what is measured: paths, modules, settings, run modes (declarations only)
    targets   the targets the report judges, declared once as data, and their verdicts
    modules   the generated wasm text modules every path runs
    run       running the benchmark programs round after round; raw results in and out
    stats     medians, ratios and spreads; the aggregate of a run; missing measurements
    markdown  number formats and tables
    report    REPORT.md: machine, method, targets and the measurement sections
    reading   the "Reading" section: conclusions derived from the numbers
    components  the components' section of the report and their Reading paragraph
    plots     the PNG plots (matplotlib)

bench/driver.py is the command line over these.
"""
