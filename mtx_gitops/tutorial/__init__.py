"""The seven MicroTraderX stages of the guide, run as real `mtx` commands and drawn with rich.

`course.setup` brings a config repo to a stage, `deploy.deploy` delivers it, `course.run_course`
does all seven. Commands run through an `Execute` function the CLI layer provides (see `runner`).
"""
