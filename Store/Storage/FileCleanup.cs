namespace Store.Storage;

/// <summary>Best-effort removal for clean-up paths, where a failure must not hide the error being handled.</summary>
public static class FileCleanup
{
    /// <summary>Deletes the file if it can; a missing file is nothing to do, an IO or permission error is ignored.</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
