using System.Runtime.CompilerServices;

namespace Store.Storage.S3;

/// <summary>The one door to the AWS SDK: called only when MEDIA_STORE=s3, so that the default store never loads it.</summary>
public static class S3Setup
{
    /// <summary>Not inlined: the JIT then compiles (and loads the SDK for) this method only when a bucket is configured.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IObjectStore Open(S3Options options) => new S3ObjectStore(options);
}
