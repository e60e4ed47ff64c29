sixplane: warning: .*reserved.*line 2.*
