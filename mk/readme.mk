# Every fenced block of README.md does what the README says (tests/readme/blocks.py):
# commands run as pasted, the demo excerpt is the demo's output, copied code is
# the file it names. The "use it in your app" blocks run in test-dist.

TEST_SUITES += test-readme
.PHONY: test-readme

test-readme: cli python node | c-deps
	@echo "test-readme: running the README's blocks as pasted"
	python3 tests/readme/blocks.py README.md
	@echo "test-readme: one version in every manifest, the header and CHANGELOG.md"
	python3 tests/versions.py
