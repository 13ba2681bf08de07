-- Command-line generations are never chat jobs (issue 12): their result is the file the command wrote, so an old one
-- counts as delivered, and a dispatcher starting up never reads them. cli_process names the process that runs an
-- unfinished one (host and pid), so a later command can tell an orphan left by a killed process from a live run.

ALTER TABLE generations ADD COLUMN cli_process VARCHAR(200);
UPDATE generations SET delivered_at = finished_at WHERE platform = 'cli' AND delivered_at IS NULL
    AND finished_at IS NOT NULL;
