"""City plugins shipped with yibao. Each registers under the `yibao.cities` entry-point group."""
