import Foundation

/// Where the bundled sample series are. `backtestd serve` may start from any working directory
/// and without `--config`, so an empty `samples_dir` searches the usual places: the working
/// directory's `configs/samples`, an installed `share/backtestd/samples` beside the executable's
/// `bin`, and `configs/samples` in the folders above the executable (a build tree).
enum SamplesLocator {
    /// The folder to import, or the explicit setting as given (missing folders are reported by
    /// the import itself); nil when nothing was found.
    static func locate(
        _ setting: String, workingDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String? = executablePath()
    ) -> String? {
        if !setting.isEmpty { return setting }
        return candidates(workingDirectory: workingDirectory, executable: executable).first(where: isDirectory)
    }

    static func candidates(workingDirectory: String, executable: String?) -> [String] {
        var found = [workingDirectory + "/configs/samples"]
        guard let executable else { return found }
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        found.append(folder.deletingLastPathComponent().appendingPathComponent("share/backtestd/samples").path)
        for _ in 0..<5 {
            found.append(folder.appendingPathComponent("configs/samples").path)
            folder = folder.deletingLastPathComponent()
        }
        return found
    }

    static func executablePath() -> String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
