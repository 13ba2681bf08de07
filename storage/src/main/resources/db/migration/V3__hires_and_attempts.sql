-- The hires pass of a generation (its upscale factor and img2img strength), and how many times a generation was
-- started, so the dispatcher retries a run interrupted by a crash once and no more.

ALTER TABLE generations ADD COLUMN upscale DOUBLE PRECISION;
ALTER TABLE generations ADD COLUMN hires_strength DOUBLE PRECISION;
ALTER TABLE generations ADD COLUMN attempts INTEGER DEFAULT 0 NOT NULL;
