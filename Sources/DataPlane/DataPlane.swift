import NIOCore
import ControlPlane
