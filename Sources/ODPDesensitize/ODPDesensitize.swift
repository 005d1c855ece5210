import ODPCore
