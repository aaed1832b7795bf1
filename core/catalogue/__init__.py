"""The provincial service catalogue (省级医保经办政务服务事项清单, seed 002) as data: SC-1..SC-5."""
