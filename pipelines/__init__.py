"""The training recipes, installed as the package clone.pipelines (see pyproject.toml): one YAML file each."""
