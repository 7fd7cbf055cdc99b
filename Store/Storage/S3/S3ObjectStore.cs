using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Store.Storage.S3;

/// <summary>
/// An S3-compatible bucket through the AWS SDK, speaking plain S3 (MinIO, Garage, Ceph, AWS; s3rver in the tests).
/// Only <see cref="S3Setup.Open"/> makes one, and only when MEDIA_STORE=s3, so nothing else loads the SDK. Bodies are
/// sent signed and whole (no aws-chunked framing, no trailing checksums): the SDK's newer defaults are not understood
/// by every S3-compatible server, and the signature already covers the bytes.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    readonly S3Options _options;
    readonly AmazonS3Client _client;

    public S3ObjectStore(S3Options options)
    {
        _options = options;
        var config = new AmazonS3Config
        {
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrEmpty(options.Endpoint)) config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        else
        {
            config.ServiceURL = options.Endpoint;
            config.ForcePathStyle = true;
        }
        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    string Bucket => _options.Bucket;

    public string Base => $"s3://{Bucket}";

    public string Locate(string key) => _options.Locate(key);

    /// <summary>A listing under a prefix nothing is stored at: the bucket and the keys are checked, no page is cut short.</summary>
    public async Task CheckAsync(CancellationToken ct) =>
        await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = ".store-check/", MaxKeys = 1 }, ct);

    public async Task PutFileAsync(string key, string path, string contentType, CancellationToken ct)
    {
        var length = new FileInfo(path).Length;
        if (length < _options.MultipartThreshold)
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket, Key = key, FilePath = path, ContentType = contentType,
                UseChunkEncoding = false, DisableDefaultChecksumValidation = true,
            }, ct);
            return;
        }
        await PutInPartsAsync(key, path, length, contentType, ct);
    }

    /// <summary>
    /// Each part is read from the file at its offset, so at most one part's buffers are in memory. An upload that
    /// fails is aborted: S3 keeps no object for it, and the parts sent so far are dropped.
    /// </summary>
    async Task PutInPartsAsync(string key, string path, long length, string contentType, CancellationToken ct)
    {
        // 10,000 parts at most: a file larger than that many parts gets larger parts.
        var partSize = Math.Max(_options.PartSize, (length + 9_999) / 10_000);
        var started = await _client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key, ContentType = contentType }, ct);
        try
        {
            var parts = new List<PartETag>();
            var number = 1;
            for (long offset = 0; offset < length; offset += partSize, number++)
            {
                var part = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket, Key = key, UploadId = started.UploadId, PartNumber = number,
                    FilePath = path, FilePosition = offset, PartSize = Math.Min(partSize, length - offset),
                    UseChunkEncoding = false, DisableDefaultChecksumValidation = true,
                }, ct);
                parts.Add(new PartETag(number, part.ETag));
            }
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket, Key = key, UploadId = started.UploadId, PartETags = parts,
            }, ct);
        }
        catch
        {
            try
            {
                await _client.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = started.UploadId }, CancellationToken.None);
            }
            catch (AmazonServiceException) { }
            catch (HttpRequestException) { }
            throw;
        }
    }

    public async Task PutBytesAsync(string key, byte[] bytes, string contentType, CancellationToken ct)
    {
        using var body = new MemoryStream(bytes, writable: false);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket, Key = key, InputStream = body, ContentType = contentType,
            UseChunkEncoding = false, DisableDefaultChecksumValidation = true,
        }, ct);
    }

    public async Task<ObjectInfo?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key }, ct);
            return new ObjectInfo(head.ContentLength, Utc(head.LastModified));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return null; }
    }

    /// <summary>The SDK's time as UTC, whichever kind it hands out.</summary>
    static DateTimeOffset Utc(DateTime? time) => time is not { } t
        ? DateTimeOffset.UnixEpoch
        : new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime());

    public async Task<Stream> ReadAsync(string key, long from, long to, CancellationToken ct)
    {
        var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key, ByteRange = new ByteRange(from, to) }, ct);
        return response.ResponseStream;
    }

    public async Task<bool> DownloadAsync(string key, string path, CancellationToken ct)
    {
        GetObjectResponse response;
        try { response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key }, ct); }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound) { return false; }
        using (response)
        {
            await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            await response.ResponseStream.CopyToAsync(target, ct);
        }
        return true;
    }

    public async Task DeleteAsync(IEnumerable<string> keys, CancellationToken ct)
    {
        // One request a key: every S3-compatible server has DeleteObject, and S3 answers 204 for a missing key.
        foreach (var key in keys) await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = key }, ct);
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (key, _) in ListSizedAsync(prefix, ct)) yield return key;
    }

    public async IAsyncEnumerable<(string Key, long Size)> ListSizedAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix, ContinuationToken = token }, ct);
            // The SDK leaves the list null for an empty page.
            if (page.S3Objects is { } objects)
                foreach (var entry in objects) yield return (entry.Key, entry.Size ?? 0);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public void Dispose() => _client.Dispose();
}
