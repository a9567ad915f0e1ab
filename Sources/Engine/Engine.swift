import DataPlane
