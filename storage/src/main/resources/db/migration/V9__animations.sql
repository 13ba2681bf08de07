-- Animations (issue 16): a generation of kind 'animation' whose images are its frames (index 0..N-1, each a PNG)
-- followed by the video file (index N, MP4 or GIF), all content-addressed as images are. Its parameters JSON holds
-- the keyframes, frame count, fps, ease and loop (engine AnimationValues).
ALTER TABLE generations DROP CONSTRAINT generations_kind;
ALTER TABLE generations ADD CONSTRAINT generations_kind
    CHECK (kind IN ('txt2img', 'img2img', 'variation', 'upscale', 'animation'));
