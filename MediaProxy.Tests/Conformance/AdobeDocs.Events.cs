namespace MediaProxy.Tests.Conformance;

/// <summary>
/// The Media Collection API tab of every event page (help/implementation/events/**), then the complete bodies of the
/// Media Collection API pages (quick start, custom metadata), at <see cref="AdobeDocs.Commit"/>.
/// </summary>
internal static partial class AdobeDocs
{
    /// <summary>One complete request body each: every one must be accepted and delivered unchanged.</summary>
    public static readonly DocPayload[] Events =
    [
        new("events/ads/ad-break-complete.md", """{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"adBreakComplete"}"""),
        new("events/ads/ad-break-start.md", """{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"adBreakStart","params":{"media.ad.podFriendlyName":"pre-roll","media.ad.podIndex":1,"media.ad.podSecond":0}}"""),
        new("events/ads/ad-complete.md", """{"playerTime":{"playhead":15,"ts":1699523820000},"eventType":"adComplete"}"""),
        new("events/ads/ad-skip.md", """{"playerTime":{"playhead":5,"ts":1699523820000},"eventType":"adSkip"}"""),
        new("events/ads/ad-start.md", """{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"adStart","params":{"media.ad.id":"ad-2125","media.ad.name":"Ford F-150","media.ad.length":15,"media.ad.podPosition":0}}"""),
        new("events/chapters/chapter-complete.md", """{"playerTime":{"playhead":240,"ts":1699523820000},"eventType":"chapterComplete"}"""),
        new("events/chapters/chapter-skip.md", """{"playerTime":{"playhead":60,"ts":1699523820000},"eventType":"chapterSkip"}"""),
        new("events/chapters/chapter-start.md", """{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"chapterStart","params":{"media.chapter.friendlyName":"Pilot Episode - Opening","media.chapter.index":1,"media.chapter.offset":0,"media.chapter.length":240}}"""),
        new("events/error.md", """{"playerTime":{"playhead":45,"ts":1699523820000},"eventType":"error","params":{"media.errorId":"media-error-001","media.errorSource":"player"}}"""),
        new("events/playback/bitrate-change.md", """{"playerTime":{"playhead":90,"ts":1699523820000},"eventType":"bitrateChange","qoeData":{"media.qoe.bitrate":3200}}"""),
        new("events/playback/buffer-start.md", """{"playerTime":{"playhead":45,"ts":1699523820000},"eventType":"bufferStart"}"""),
        new("events/playback/pause-start.md", """{"playerTime":{"playhead":30,"ts":1699523820000},"eventType":"pauseStart"}"""),
        new("events/playback/ping.md", """{"playerTime":{"playhead":10,"ts":1699523820000},"eventType":"ping"}"""),
        new("events/playback/play.md", """{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"play"}"""),
        new("events/player-state/overview.md#Media-Collection-API-t0", """{"eventType":"statesUpdate","params":{"statesStart":[{"media.state.name":"mute"},{"media.state.name":"pictureInPicture"}]},"playerTime":{"playhead":0,"ts":1569999130627}}"""),
        new("events/player-state/overview.md#Media-Collection-API-t1", """{"eventType":"statesUpdate","params":{"statesEnd":[{"media.state.name":"mute"},{"media.state.name":"pictureInPicture"}],"statesStart":[{"media.state.name":"fullScreen"}]},"playerTime":{"playhead":0,"ts":1569999230627}}"""),
        new("events/player-state/overview.md#Media-Collection-API-t2", """{"eventType":"statesUpdate","params":{"statesEnd":[{"media.state.name":"fullScreen"}]},"playerTime":{"playhead":0,"ts":1569999330627}}"""),
        new("events/player-state/state-end.md", """{"playerTime":{"playhead":90,"ts":1699523820000},"eventType":"stateEnd","params":{"media.state.name":"fullscreen"}}"""),
        new("events/player-state/state-start.md", """{"playerTime":{"playhead":60,"ts":1699523820000},"eventType":"stateStart","params":{"media.state.name":"fullscreen"}}"""),
        new("events/session/session-complete.md", """{"playerTime":{"playhead":128,"ts":1699523820000},"eventType":"sessionComplete"}"""),
        new("events/session/session-end.md", """{"playerTime":{"playhead":45,"ts":1699523820000},"eventType":"sessionEnd"}"""),
        new("events/session/session-start.md#Media-Collection-API", """{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"sessionStart","params":{"media.channel":"Sports","media.playerName":"HTML5 Player","media.contentType":"vod","media.length":128,"media.id":"video-123"}}"""),
        new("events/session/session-start.md#resuming-a-session", """{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"sessionStart","params":{"media.channel":"Sports","media.playerName":"HTML5 Player","media.contentType":"vod","media.length":128,"media.id":"video-123","media.resume":true}}"""),
        new("media-collection-api/mc-api-impl/mc-api-quick-start.md#quick-start", """{"playerTime":{"playhead":0,"ts":1234560890123},"eventType":"sessionStart","params":{"media.playerName":"sample-html5-api-player","analytics.trackingServer":"[YOUR_TS]","analytics.reportSuite":"[YOUR_RSID]","media.contentType":"VOD","media.length":60.39333333333333,"media.id":"MA Collection API Sample Player","visitor.marketingCloudOrgId":"[YOUR_ORG_ID]","visitor.marketingCloudUserId":"[YOUR_ECID]","media.name":"ClickMe","media.channel":"sample-channel","media.sdkVersion":"va-api-0.0.0","analytics.enableSSL":false}}"""),
        new("media-collection-api/mc-api-impl/mc-api-custom-meta.md#structure", """{"playerTime":{"playhead":0,"ts":1646938800000},"eventType":"sessionStart","params":{"analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"example-rsid","visitor.marketingCloudOrgId":"0123456789@AdobeOrg","media.id":"sample-video-id","media.length":3600,"media.contentType":"vod","media.playerName":"HTML5 Player","media.channel":"Sports"},"customMetadata":{"field":"value"}}"""),
        new("media-collection-api/mc-api-impl/mc-api-custom-meta.md#main-content-custom-metadata", """{"playerTime":{"playhead":0,"ts":1646938800000},"eventType":"sessionStart","params":{"analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"example-rsid","analytics.visitorId":"visitor123","visitor.marketingCloudOrgId":"0123456789@AdobeOrg","media.id":"sample-video-id","media.name":"Sample Video","media.length":3600,"media.contentType":"vod","media.playerName":"HTML5 Player","media.channel":"Sports"},"customMetadata":{"contentCategory":"Live Sports","leagueType":"Professional","broadcastRights":"Premium"}}"""),
        new("media-collection-api/mc-api-impl/mc-api-custom-meta.md#ad-custom-metadata", """{"playerTime":{"playhead":30,"ts":1646938830000},"eventType":"adStart","params":{"media.ad.id":"summer-sale-2026","media.ad.name":"Summer Sale Ad","media.ad.length":30,"media.ad.playerName":"HTML5 Player","media.ad.podPosition":1},"customMetadata":{"campaignId":"SUMMER2026","targetAudience":"18-34","adFormat":"skippable"}}"""),
        new("media-collection-api/mc-api-impl/mc-api-custom-meta.md#chapter-custom-metadata", """{"playerTime":{"playhead":600,"ts":1646938200000},"eventType":"chapterStart","params":{"media.chapter.friendlyName":"Introduction","media.chapter.length":300,"media.chapter.index":1,"media.chapter.offset":600},"customMetadata":{"chapterType":"tutorial","difficulty":"beginner","instructor":"Jane Smith"}}"""),
    ];
}
