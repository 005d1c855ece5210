import Foundation
import ODPCore

extension Publisher {
    /// A target's secrets by role (`token`, `secret`, `password`), read from their references.
    static func secrets(of settings: TargetSettings, config: PipelineConfig, environment: [String: String]) throws -> [String: String] {
        var secrets: [String: String] = [:]
        for (key, ref) in [("token", settings.token), ("secret", settings.secret), ("password", settings.password), ("url", settings.databaseURL)] {
            guard let ref else { continue }
            secrets[key] = try ref.resolve(relativeTo: config.baseDirectory, environment: environment)
        }
        // A database URI's password is redacted on its own too, wherever it turns up.
        if let url = secrets["url"], let password = URLComponents(string: url)?.password { secrets["url.password"] = password }
        return secrets
    }

    /// For `odp validate`: one message per target whose secret cannot be read, naming the
    /// target and the reference (never a value), without the code (`ODP-E0106`), which the
    /// diagnostic carrying it adds.
    public static func secretProblems(_ config: PipelineConfig,
                                      environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        config.targets.compactMap { spec in
            guard let settings = TargetSettings.parse(spec, config: config).0 else { return nil }
            do { _ = try secrets(of: settings, config: config, environment: environment) } catch { return "上传目标 \(settings.name)：\(ODPError.from(error).message)" }
            return nil
        }
    }
}
