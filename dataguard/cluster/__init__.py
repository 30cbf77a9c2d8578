"""Running dataguard where the data lives: the partitions of a Spark or Dask data frame."""
