"""Messages -> conversations -> chat samples -> a train/test DatasetDict in the workspace."""

from clone.dataset.build import DatasetOptions, build_dataset, load_dataset_dict

__all__ = ["DatasetOptions", "build_dataset", "load_dataset_dict"]
