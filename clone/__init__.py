"""clone: turn one person's chat history into a language model that writes like them.

The library has the same verbs as the CLI::

    import clone
    exports = clone.load(["WhatsApp Chat with Sam.txt"])      # clone import
    clone.build_dataset(exports.messages, me=["Maya Chen"])     # clone import --me
    clone.train(recipe="smollm2-135m-cpu")                      # clone train
    clone.export()                                              # clone export (merged, GGUF, Modelfile)
    maya = clone.Clone()                                        # clone talk
    print(maya.reply("are you coming climbing tonight?"))
    clone.evaluate()                                            # clone eval
    clone.improve(config=clone.improve_config("spin"))          # clone improve
"""

from clone.chat import Clone, GenerationSettings
from clone.dataset import DatasetOptions, build_dataset
from clone.errors import CloneError
from clone.eval import evaluate
from clone.exporting import ExportResult, export
from clone.importers import ImportResult, load
from clone.improvement import ImproveConfig, improve, improve_config
from clone.messages import Kind, Message, Skipped, Source
from clone.recipes import Recipe, load_recipe
from clone.report import inspect
from clone.training import train
from clone.workspace import Workspace

__all__ = [
    "Clone",
    "CloneError",
    "DatasetOptions",
    "ExportResult",
    "GenerationSettings",
    "ImportResult",
    "ImproveConfig",
    "Kind",
    "Message",
    "Recipe",
    "Skipped",
    "Source",
    "Workspace",
    "build_dataset",
    "evaluate",
    "export",
    "improve",
    "improve_config",
    "inspect",
    "load",
    "load_recipe",
    "train",
]
