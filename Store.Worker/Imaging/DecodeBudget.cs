namespace Store.Imaging;

/// <summary>The most memory one picture may take decoded, for the store's uploads and for the image tasks alike.</summary>
public static class DecodeBudget
{
    /// <summary>
    /// A worker has no settings, so the tasks keep this default; the store's uploads take MediaToolOptions.MaxDecodedBytes.
    /// </summary>
    public const long MaxDecodedBytes = 1_000_000_000;
}
